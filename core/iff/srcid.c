/* srcid.c: the "!ccmig-" comment lines of migration files. */
#include "iff/srcid.h"
#include "base/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { enum ccm_srcid_kind kind; const char *word; } words[] = {
	/* longest first: a prefix must not match a longer word */
	{ CCM_SRCID_LEFT_OUT_USER, "ccmig-left-out-user " },
	{ CCM_SRCID_USER_SET, "ccmig-user-set " },
	{ CCM_SRCID_LEFT_OUT, "ccmig-left-out " },
	{ CCM_SRCID_MESSAGE, "ccmig-id " },
};

void ccm_srcid_init(struct ccm_srcid *id)
{
	memset(id, 0, sizeof(*id));
	ccm_buf_init(&id->text);
}

void ccm_srcid_release(struct ccm_srcid *id)
{
	ccm_buf_release(&id->text);
	ccm_srcid_init(id);
}

static int plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-._:/", c) != NULL;
}

/* Appends v with every byte that is not plain written %XX; runs of plain
 * bytes go in one piece (a line per message: it shows in extract's time). */
static void enc(struct ccm_buf *out, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(v ? v : "");

	while (*p) {
		const unsigned char *run = p;

		while (*p && plain(*p))
			p++;
		if (p > run)
			ccm_buf_add(out, run, (size_t)(p - run));
		if (*p) {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			ccm_buf_add(out, e, 3);
			p++;
		}
	}
}

static void put(struct ccm_buf *out, const char *key, const char *v)
{
	ccm_buf_addch(out, '&');
	ccm_buf_adds(out, key);
	ccm_buf_addch(out, '=');
	enc(out, v);
}

/* A number, as put() writes a value. */
static void put_num(struct ccm_buf *out, const char *key, long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	put(out, key, num);
}

void ccm_srcid_format(struct ccm_buf *out, const struct ccm_srcid *id)
{
	ccm_buf_reset(out);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].kind == id->kind)
			ccm_buf_adds(out, words[i].word);
	ccm_buf_adds(out, "po=");
	enc(out, id->po);
	ccm_buf_adds(out, id->board ? "&owner=b:" : "&owner=u:");
	enc(out, id->owner);
	if (id->kind != CCM_SRCID_LEFT_OUT_USER && id->kind != CCM_SRCID_USER_SET) {
		put(out, "file", id->file);
		put_num(out, "n", id->number);
		put(out, "fp", id->fp);
		put_num(out, "dup", id->dup);
	}
	if (id->dropped)
		put(out, "dropped", id->dropped);
	if (id->why)
		put(out, "why", id->why);
	if (id->set)
		put(out, "set", id->set);
	if (id->held)
		ccm_buf_adds(out, "&held=1");
}

static int unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A decimal number of at least 1. */
static int number(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 1)
		return -1;
	*out = v;
	return 0;
}

int ccm_srcid_parse(struct ccm_srcid *id, const char *text, size_t len)
{
	const char *p = text, *e = text + len, *fp = NULL, *n = NULL, *dup = NULL;
	const char *held = NULL;
	const char *owner = NULL;
	size_t w;
	int kind = 0;

	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t k = strlen(words[w].word);
		if (len >= k && !memcmp(text, words[w].word, k)) {
			kind = words[w].kind;
			p += k;
			break;
		}
	}
	if (!kind)
		return 0;
	ccm_buf_reset(&id->text);
	id->kind = kind;
	id->po = id->owner = id->file = id->why = id->set = id->dropped = NULL;
	id->number = id->dup = 0;
	id->held = 0;
	id->fp[0] = '\0';
	/* Decode key=value pairs into text, each value NUL-terminated, and
	 * remember offsets (the buffer may move while it grows). */
	{
		size_t off[12];
		const char *keys[12];
		int nk = 0;

		while (p < e && nk < 12) {
			const char *eq = memchr(p, '=', (size_t)(e - p));
			const char *amp;

			if (!eq)
				return CCM_EMALFORMED;
			amp = memchr(eq, '&', (size_t)(e - eq));
			if (!amp)
				amp = e;
			keys[nk] = p;
			off[nk] = id->text.len;
			for (const char *q = eq + 1; q < amp; q++) {
				if (*q == '%') {
					int hi = q + 2 < amp ? unhex(q[1]) : -1;
					int lo = hi >= 0 ? unhex(q[2]) : -1;
					if (lo < 0)
						return CCM_EMALFORMED;
					ccm_buf_addch(&id->text, hi * 16 + lo);
					q += 2;
				} else {
					ccm_buf_addch(&id->text, *q);
				}
			}
			ccm_buf_addch(&id->text, '\0');
			/* the key, NUL-terminated after the values */
			nk++;
			p = amp < e ? amp + 1 : e;
		}
		for (int i = 0; i < nk; i++) {
			const char *v = id->text.ptr + off[i];
			size_t klen = (size_t)(strchr(keys[i], '=') - keys[i]);

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(keys[i], s, klen))
			if (KEY("po"))
				id->po = v;
			else if (KEY("owner"))
				owner = v;
			else if (KEY("file"))
				id->file = v;
			else if (KEY("n"))
				n = v;
			else if (KEY("fp"))
				fp = v;
			else if (KEY("dup"))
				dup = v;
			else if (KEY("why"))
				id->why = v;
			else if (KEY("held"))
				held = v;
			else if (KEY("set"))
				id->set = v;
			else if (KEY("dropped"))
				id->dropped = v;
#undef KEY
		}
	}
	if (!id->po || !*id->po || !owner || (strncmp(owner, "u:", 2) &&
	    strncmp(owner, "b:", 2)) || !owner[2])
		return CCM_EMALFORMED;
	id->board = owner[0] == 'b';
	id->owner = owner + 2;
	if (kind == CCM_SRCID_USER_SET)
		return id->set ? 1 : CCM_EMALFORMED;
	if (kind != CCM_SRCID_MESSAGE && (!id->why || !*id->why))
		return CCM_EMALFORMED;
	if (kind == CCM_SRCID_LEFT_OUT_USER)
		return 1;
	if (!fp || strlen(fp) != 32 || !n || number(n, &id->number) < 0 || !dup ||
	    number(dup, &id->dup) < 0)
		return CCM_EMALFORMED;
	for (int i = 0; i < 32; i++)
		if (unhex(fp[i]) < 0 || (fp[i] >= 'A' && fp[i] <= 'F'))
			return CCM_EMALFORMED;
	memcpy(id->fp, fp, 33);
	id->held = held && !strcmp(held, "1");
	if (id->dropped) {
		/* Attachment paths, '.' between, '/' between the places of
		 * one inside a forwarded message: what verify counts on. */
		const char *q = id->dropped;

		if (!*q || !id->why || !*id->why)
			return CCM_EMALFORMED;
		while (*q) {
			if (*q < '1' || *q > '9')
				return CCM_EMALFORMED;
			q += strspn(q, "0123456789");
			if ((*q == '.' || *q == '/') && q[1])
				q++;
			else if (*q)
				return CCM_EMALFORMED;
		}
	}
	if (!id->file)
		id->file = "";
	return 1;
}
