/* names.c: what a cc:Mail name says: first and last name, display name, alias. */
#include "ccmail/names.h"
#include "base/error.h"
#include "base/utf8.h"

#include <ctype.h>
#include <string.h>

static void trimmed(const char *s, size_t n, const char **out, size_t *outn)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*out = s;
	*outn = n;
}

void ccm_name_split(const char *name, struct ccm_buf *first, struct ccm_buf *last)
{
	const char *comma = strchr(name, ',');
	const char *p;
	size_t n;

	ccm_buf_reset(first);
	ccm_buf_reset(last);
	if (comma) {
		trimmed(name, (size_t)(comma - name), &p, &n);
		ccm_buf_add(last, p, n);
		trimmed(comma + 1, strlen(comma + 1), &p, &n);
		ccm_buf_add(first, p, n);
		return;
	}
	trimmed(name, strlen(name), &p, &n);
	{
		const char *sp = NULL;
		for (size_t i = 0; i < n; i++)
			if (p[i] == ' ')
				sp = p + i;
		if (!sp) {
			ccm_buf_add(last, p, n);
			return;
		}
		ccm_buf_add(first, p, (size_t)(sp - p));
		ccm_buf_trim(first);
		ccm_buf_add(last, sp + 1, n - (size_t)(sp + 1 - p));
	}
}

void ccm_name_display(struct ccm_buf *out, const char *name)
{
	struct ccm_buf first = CCM_BUF_INIT, last = CCM_BUF_INIT;

	ccm_name_split(name, &first, &last);
	ccm_buf_reset(out);
	if (first.len)
		ccm_buf_addf(out, "%s %s", first.ptr, last.ptr);
	else
		ccm_buf_add(out, last.ptr, last.len);
	ccm_buf_release(&first);
	ccm_buf_release(&last);
}

/* The ASCII look-alike of a Latin-1 or Latin Extended-A code point. */
static const char *fold_cp(unsigned cp)
{
	static const char *const latin1[64] = {
		"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E",
		"I", "I", "I", "I", "D", "N", "O", "O", "O", "O", "O", "",
		"O", "U", "U", "U", "U", "Y", "TH", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
		"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "th", "y",
	};
	static const char ext_a[] =  /* U+0100..U+017F, pairs upper/lower */
		"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIi"
		"JjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTt"
		"UuUuUuUuUuUuWwYyYZzZzZzs";  /* made from Unicode's decompositions */
	static char one[2];

	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0];
	if (cp >= 0x100 && cp < 0x100 + sizeof(ext_a) - 1) {
		one[0] = ext_a[cp - 0x100];
		one[1] = '\0';
		return one;
	}
	return "";
}

void ccm_ascii_fold(struct ccm_buf *out, const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	const unsigned char *e = p + strlen(utf8);

	while (p < e) {
		unsigned long cp;
		int len = ccm_utf8_decode(p, e, &cp);

		if (len == 0) {
			p++;          /* not UTF-8: nothing ASCII to give */
			continue;
		}
		if (cp < 0x80)
			ccm_buf_addch(out, (int)cp);
		else
			ccm_buf_adds(out, fold_cp((unsigned)cp));
		p += len;
	}
}

/* Keeps what an alias may hold, lower-cased, at most 20 characters. */
static void clean_alias(const char *ascii, struct ccm_buf *out)
{
	for (const char *p = ascii; *p && out->len < 20; p++) {
		char c = (char)tolower((unsigned char)*p);
		if (isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_')
			ccm_buf_addch(out, c);
	}
}

void ccm_alias_clean(struct ccm_buf *out, const char *text, const char *fallback)
{
	struct ccm_buf fold = CCM_BUF_INIT;

	ccm_ascii_fold(&fold, text);
	ccm_buf_reset(out);
	clean_alias(fold.ptr, out);
	if (out->len == 0)
		ccm_buf_adds(out, fallback);
	ccm_buf_release(&fold);
}

void ccm_name_alias(struct ccm_buf *out, const char *name, const char *comments)
{
	struct ccm_buf first = CCM_BUF_INIT, last = CCM_BUF_INIT, fold = CCM_BUF_INIT;

	ccm_buf_reset(out);
	if (comments && *comments) {
		size_t n = strcspn(comments, ";");
		const char *p;
		size_t pn;

		trimmed(comments, n, &p, &pn);
		/* An alias is one word: "jsmith", not "on leave until May". */
		if (pn > 0 && pn <= 20 && !memchr(p, ' ', pn)) {
			struct ccm_buf word = CCM_BUF_INIT;
			ccm_buf_add(&word, p, pn);
			ccm_ascii_fold(&fold, word.ptr);
			clean_alias(fold.ptr, out);
			ccm_buf_release(&word);
		}
	}
	if (out->len == 0) {
		ccm_name_split(name, &first, &last);
		ccm_buf_reset(&fold);
		if (first.len) {
			ccm_ascii_fold(&fold, first.ptr);
			{
				struct ccm_buf l = CCM_BUF_INIT;
				ccm_ascii_fold(&l, last.ptr);
				for (size_t i = 0; i < l.len; i++)
					if (isalnum((unsigned char)l.ptr[i])) {
						ccm_buf_addch(&fold, l.ptr[i]);
						break;
					}
				ccm_buf_release(&l);
			}
		} else {
			ccm_ascii_fold(&fold, last.ptr);
		}
		clean_alias(fold.ptr, out);
	}
	if (out->len == 0)
		ccm_buf_adds(out, "user");
	ccm_buf_release(&first);
	ccm_buf_release(&last);
	ccm_buf_release(&fold);
}
