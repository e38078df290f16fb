/* fuzz_iff.c: primary files walked section by section and row by row,
 * and the pointers of their rows followed into the secondary files
 * (iff/reader.h), as `ccmig import` and `ccmig check` do.
 *
 * Input: one option byte (zone in bits 0-1, body text read as UTF-8 in
 * bit 2, the size of the pieces data is read in, bits 4-7), then the
 * packing list and the files of the set, each after a line "@@file NAME"
 * (tests/fuzz/fuzz.h, fuzz_split). A chain is checked whole before it is
 * handed out, so every section must give exactly its Length.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "iff/reader.h"

struct opts {
	const struct ccm_tz *tz;
	int utf8;
	size_t piece;
	unsigned char *buf;
};

static void read_chain(struct ccm_iff_chain *c, const struct opts *o)
{
	const struct ccm_iff_secsect *sec;
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_error err;
	long long total = 0;
	size_t count = 0;
	int last = 0;

	while (ccm_iff_chain_next(c, &sec) == 1) {
		long long got = 0;
		ssize_t n;

		FUZZ_CHECK(!last);
		FUZZ_CHECK(sec->index == (int)++count && sec->name);
		FUZZ_CHECK(sec->length >= 0 && sec->data_offset > sec->offset);
		last = sec->islast;
		/* Every other section is skipped unread: that works too. */
		if (count % 2 == 0 && !sec->islast) {
			total += sec->length;
			continue;
		}
		if (o->utf8 && sec->type != CCM_IFF_ATTACHMENT) {
			ccm_buf_reset(&text);
			while ((n = ccm_iff_chain_read_utf8(&text, c, o->piece, &err)) > 0)
				got += n;
			if (n == 0)
				FUZZ_CHECK(ccm_utf8_valid(text.ptr, text.len));
		} else {
			while ((n = ccm_iff_chain_read(c, o->buf, o->piece, &err)) > 0) {
				FUZZ_CHECK((size_t)n <= o->piece);
				got += n;
			}
		}
		if (n < 0)
			break;
		FUZZ_CHECK(got == sec->length);
		total += got;
	}
	FUZZ_CHECK(count <= ccm_iff_chain_count(c));
	if (last) {
		FUZZ_CHECK(count == ccm_iff_chain_count(c));
		FUZZ_CHECK(total == ccm_iff_chain_bytes(c));
	}
	ccm_buf_release(&text);
}

static void row(struct ccm_iff_pri *p, const struct ccm_iff_row *r,
		const struct opts *o)
{
	static const enum ccm_iff_col lists[] = {
		CCM_IFF_COL_TO, CCM_IFF_COL_CC, CCM_IFF_COL_BCC,
		CCM_IFF_COL_EMAIL_ADDRESS, CCM_IFF_COL_PROXY_ADDRESSES,
	};
	static const enum ccm_iff_col texts[] = {
		CCM_IFF_COL_FOLDER, CCM_IFF_COL_SENDER, CCM_IFF_COL_SUBJECT,
		CCM_IFF_COL_DISPLAY_NAME, CCM_IFF_COL_NOTE,
	};
	struct ccm_iff_chain *chain;
	struct ccm_csv_line l;
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_error err;
	struct ccm_date d;
	int v;

	FUZZ_CHECK(r->number >= 1 && r->line >= 1 && r->lines >= 1);
	for (int c = 0; c < CCM_IFF_COL_COUNT; c++) {
		size_t len;
		const char *s = ccm_iff_row_get(r, (enum ccm_iff_col)c, &len);

		FUZZ_CHECK(!s || s[len] == '\0');
		FUZZ_CHECK(!r->bad || !s);
	}
	ccm_iff_row_get_named(r, "Obj-class", NULL);
	if (r->bad)
		return;
	ccm_iff_row_validate(p, o->tz);
	ccm_iff_row_date(&d, p, CCM_IFF_COL_SEND_DATE, o->tz);
	ccm_iff_row_date(&d, p, CCM_IFF_COL_RECEIVED_DATE, o->tz);
	ccm_iff_row_bool(&v, p, CCM_IFF_COL_UNREAD, 0);
	ccm_iff_row_bool(&v, p, CCM_IFF_COL_UNSENT, 0);
	FUZZ_CHECK(ccm_iff_row_priority(&v, p) != 0 || (v >= -1 && v <= 1));
	ccm_csv_line_init(&l);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int n = ccm_iff_row_multi(&l, p, lists[i]);

		FUZZ_CHECK(n >= 0 || n == CCM_EMALFORMED);
	}
	for (size_t i = 0; i < l.n; i++)
		FUZZ_CHECK(l.f[i].value[l.f[i].len] == '\0');
	ccm_csv_line_release(&l);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (ccm_iff_row_text(&text, p, texts[i], 4096, &err) == 0)
			FUZZ_CHECK(text.len <= 4096 || !ccm_iff_row_is_pointer(r, texts[i]));
	ccm_buf_release(&text);
	if (r->sec->kind == CCM_IFF_MAILMESSAGE &&
	    ccm_iff_row_chain(&chain, p, CCM_IFF_COL_BODY, &err) == 0) {
		read_chain(chain, o);
		ccm_iff_chain_free(chain);
	}
}

static void primary(struct ccm_iff_set *s, size_t i, const struct opts *o)
{
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_iff_pri *p;
	struct ccm_error err;

	if (ccm_iff_pri_open(&p, s, i, &err) < 0)
		return;
	FUZZ_CHECK(ccm_iff_pri_name(p) != NULL);
	while (ccm_iff_pri_next_section(p, &sec, &err) == 1) {
		FUZZ_CHECK(sec->number >= 1);
		for (int c = 0; c < CCM_IFF_COL_COUNT; c++)
			FUZZ_CHECK(sec->col[c] >= -1 && sec->col[c] < (int)sec->ncols);
		FUZZ_CHECK(sec->kind == CCM_IFF_DIRECTORY || sec->address_raw ||
			   sec->bad);
		while (ccm_iff_pri_next_row(p, &r, &err) == 1) {
			FUZZ_CHECK(r->sec == sec);
			row(p, r, o);
		}
	}
	ccm_iff_pri_close(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[16] = { 1, 2, 3, 5, 7, 16, 64, 127, 128,
					   512, 1000, 4096, 8192, 16384, 65536, 9 };
	unsigned opt = fuzz_byte(&data, &size);
	const char *pkl = fuzz_files(data, size, "SET.PKL");
	struct opts o;
	struct ccm_iff_set *s;
	struct ccm_error err;

	o.tz = fuzz_tz(opt & 3);
	o.utf8 = (opt >> 2) & 1;
	o.piece = pieces[opt >> 4];
	if (!(o.buf = malloc(o.piece)))
		abort();
	if (ccm_iff_set_open(&s, pkl, fuzz_report(), &err) == 0) {
		for (size_t i = 0; i < ccm_iff_set_count(s, CCM_IFF_PRIMARY); i++)
			primary(s, i, &o);
		ccm_iff_set_close(s);
	}
	free(o.buf);
	fuzz_clean();
	return 0;
}
