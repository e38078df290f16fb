/* imap_code.c: the response code and suggested wait of a server's refusal. */
#include "export/imap.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* A wait longer than this is not a suggestion a migration can follow;
 * it also keeps the number of any length of digits in range. */
#define MAX_SUGGESTION_MS (3600ll * 1000)

static const struct {
	const char *name;
	enum ccm_imap_code code;
} codes[] = {
	{ "THROTTLED", CCM_IMAP_CODE_THROTTLED },
	{ "UNAVAILABLE", CCM_IMAP_CODE_UNAVAILABLE },
	{ "INUSE", CCM_IMAP_CODE_INUSE },
	{ "OVERQUOTA", CCM_IMAP_CODE_OVERQUOTA },
	{ "LIMIT", CCM_IMAP_CODE_LIMIT },
	{ "TOOBIG", CCM_IMAP_CODE_TOOBIG },
};

const char *ccm_imap_code_name(enum ccm_imap_code code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "";
}

/* Case-insensitive strstr. */
static const char *find(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncasecmp(s, word, n))
			return s;
	return NULL;
}

/* The number of milliseconds after "Suggested Backoff Time", or 0. */
static long long suggested_ms(const char *text)
{
	const char *p = find(text, "suggested backoff time");
	long long n = 0;

	if (!p)
		return 0;
	p += strlen("suggested backoff time");
	while (*p == ':' || *p == ' ' || *p == '=')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	for (; isdigit((unsigned char)*p); p++)
		if (n <= MAX_SUGGESTION_MS)
			n = n * 10 + (*p - '0');
	while (*p == ' ')
		p++;
	/* Milliseconds unless it says seconds ("s", "sec", "seconds"). */
	if (tolower((unsigned char)*p) == 's')
		n *= 1000;
	return n > MAX_SUGGESTION_MS ? MAX_SUGGESTION_MS : n;
}

void ccm_imap_answer_parse(struct ccm_imap_answer *out, const char *text)
{
	const char *p = text;

	out->code = CCM_IMAP_CODE_NONE;
	out->backoff_ms = suggested_ms(text);
	while (*p == ' ')
		p++;
	if (*p == '[') {
		size_t n = strcspn(++p, " ]");
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strlen(codes[i].name) == n && !strncasecmp(p, codes[i].name, n))
				out->code = codes[i].code;
		return;
	}
	/* Without a code, a server that says it throttles (some write only
	 * "Request is throttled", or "BYE ... throttled") is taken at its
	 * word. */
	if (find(text, "throttl"))
		out->code = CCM_IMAP_CODE_THROTTLED;
}
