/* fuzz_message.c: the streaming reader of message export files
 * (ccmail/message.h): messages, items, nested messages, every decoder.
 *
 * Input: three option bytes, then the export file.
 *   byte 1: attachments (bits 0-1: MACBIN2, HEX, RAW), item sizes (bit 2),
 *           keep MacBinary whole (bit 3), date order (bits 4-5), zone
 *           (bits 6-7)
 *   byte 2: code page (bits 0-2), the directory known (bit 3), the size
 *           of the pieces data is read in (bits 4-7)
 *   byte 3: read each message twice through rewind (bit 0), descend into
 *           Message items (bit 1), skip data unread (bit 2), nesting
 *           limit (bits 4-7, 0: the default)
 * Each message read twice must give the same items and bytes; text read
 * through a code page must be valid UTF-8.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/message.h"

struct walk {
	struct ccm_msgfile *f;
	struct ccm_cp *cp;
	size_t piece;
	int enter, skip, failed;
	unsigned long long hash;     /* of everything handed out */
	unsigned char *buf;
};

static void mix(struct walk *w, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		w->hash = (w->hash ^ s[i]) * 1099511628211ULL;
}

static void mix_str(struct walk *w, const char *s)
{
	mix(w, s ? s : "(null)", s ? strlen(s) + 1 : 7);
}

static void check_addrlist(const struct ccm_addrlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		FUZZ_CHECK(l->v[i].name && l->v[i].raw);
}

static void check_message(struct walk *w, const struct ccm_message *m)
{
	FUZZ_CHECK(m->number >= 1);
	FUZZ_CHECK(m->offset >= 0 && m->offset < ccm_msgfile_size(w->f));
	FUZZ_CHECK(ccm_msgfile_line_of(w->f, m->offset) >= 1);
	FUZZ_CHECK(!m->from_text || (m->from.name && m->from.raw));
	check_addrlist(&m->to);
	check_addrlist(&m->cc);
	check_addrlist(&m->bcc);
	FUZZ_CHECK(m->date_state != CCM_DATE_OK || m->date_text);
	for (size_t i = 0; i < m->n_extra; i++)
		FUZZ_CHECK(m->extra[i].key && m->extra[i].value);
	mix(w, &m->number, sizeof(m->number));
	mix(w, &m->depth, sizeof(m->depth));
	mix_str(w, m->from_text);
	mix_str(w, m->subject);
	mix_str(w, m->date_text);
	mix_str(w, m->folder);
	mix(w, &m->to.len, sizeof(m->to.len));
	mix(w, &m->status, sizeof(m->status));
}

/* Reads the current item's data; returns the bytes, or -1 on an error. */
static long long read_item(struct walk *w, const struct ccm_item *it)
{
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_error err;
	long long total = 0;
	ssize_t got;

	while ((got = ccm_msgfile_read(w->f, w->buf, w->piece, &err)) > 0) {
		FUZZ_CHECK((size_t)got <= w->piece);
		mix(w, w->buf, (size_t)got);
		if (it->kind == CCM_ITEM_TEXT && w->cp)
			ccm_buf_add(&text, w->buf, (size_t)got);
		total += got;
	}
	if (got == 0 && it->kind == CCM_ITEM_TEXT && w->cp)
		FUZZ_CHECK(ccm_utf8_valid(text.ptr, text.len));
	ccm_buf_release(&text);
	return got < 0 ? -1 : total;
}

/* Walks the items of the innermost open message, and of those nested. */
static void walk_items(struct walk *w, int depth)
{
	const struct ccm_message *m;
	const struct ccm_item *it;
	struct ccm_error err;
	int r;

	while ((r = ccm_msgfile_next_item(w->f, &it, &err)) == 1) {
		long long n;

		FUZZ_CHECK(it->index >= 1 && it->keyword && it->title);
		FUZZ_CHECK(it->data_offset >= it->offset);
		FUZZ_CHECK((it->kind == CCM_ITEM_TEXT || it->kind == CCM_ITEM_MESSAGE)
			   == (it->name == NULL));
		mix(w, &it->kind, sizeof(it->kind));
		mix_str(w, it->title);
		mix_str(w, it->name);
		mix(w, &it->size, sizeof(it->size));
		if (it->kind == CCM_ITEM_MESSAGE && w->enter) {
			r = ccm_msgfile_enter(w->f, &m, &err);
			if (r < 0) {
				w->failed = 1;
				return;
			}
			if (r == 1) {
				FUZZ_CHECK(m->depth == depth + 1);
				check_message(w, m);
				walk_items(w, depth + 1);
				if (w->failed)
					return;
				continue;
			}
		}
		if (w->skip)
			continue;
		if ((n = read_item(w, it)) < 0) {
			w->failed = 1;
			return;
		}
		/* A size known before reading is never exceeded. */
		FUZZ_CHECK(it->size < 0 || n <= it->size);
	}
	if (r < 0)
		w->failed = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[16] = { 1, 2, 3, 7, 16, 64, 127, 128, 129,
					   512, 1000, 4096, 8192, 65536, 3, 5 };
	unsigned o1 = fuzz_byte(&data, &size), o2 = fuzz_byte(&data, &size);
	unsigned o3 = fuzz_byte(&data, &size);
	struct ccm_msgfile_opts o = { 0 };
	const struct ccm_message *m;
	struct ccm_error err;
	struct walk w = { 0 };
	long messages = 0;
	int r;

	o.display = "user.exp";
	o.user = "Smith, John";
	o.attachments = (enum ccm_attach_enc)(o1 & 3) % 3;
	o.item_sizes = (o1 >> 2) & 1;
	o.keep_macbinary = (o1 >> 3) & 1;
	o.date_order = (enum ccm_date_order)(((o1 >> 4) & 3) % 3);
	o.tz = fuzz_tz(o1 >> 6);
	o.cp = fuzz_cp(o2 & 7);
	o.dir = (o2 & 8) ? fuzz_directory() : NULL;
	o.home_po = "SALESPO";
	o.max_depth = (int)(o3 >> 4);
	o.rep = fuzz_report();

	if (ccm_msgfile_open(&w.f, fuzz_file("user.exp", data, size), &o, &err) < 0)
		abort();
	w.cp = o.cp;
	w.piece = pieces[o2 >> 4];
	w.enter = (o3 >> 1) & 1;
	w.skip = (o3 >> 2) & 1;
	if (!(w.buf = malloc(w.piece)))
		abort();
	while ((r = ccm_msgfile_next(w.f, &m, &err)) == 1) {
		messages++;
		FUZZ_CHECK(m->depth == 0 && m->number == messages);
		w.hash = 14695981039346656037ULL;
		check_message(&w, m);
		walk_items(&w, 0);
		if (w.failed)
			break;
		if (o3 & 1) {
			unsigned long long first = w.hash;

			if (ccm_msgfile_rewind(w.f, &m, &err) != 1)
				break;
			w.hash = 14695981039346656037ULL;
			check_message(&w, m);
			walk_items(&w, 0);
			if (w.failed)
				break;
			FUZZ_CHECK(w.hash == first);
		}
	}
	if (r == 0)
		FUZZ_CHECK(ccm_msgfile_count(w.f) == messages);
	FUZZ_CHECK(ccm_msgfile_fallbacks(w.f) >= 0);
	ccm_msgfile_close(w.f);
	free(w.buf);
	fuzz_clean();
	return 0;
}
