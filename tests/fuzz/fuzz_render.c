/* fuzz_render.c: MIME rendering of stored messages (export/render.h).
 *
 * Input: one option byte, eight bytes of sent date (big-endian seconds),
 * then NUL-separated fields: sender name, sender address, subject, body,
 * and any number of recipients ("t", "c" or "b", the display name, then
 * 0x01 and the address), extra headers ("h" name 0x01 value),
 * attachments ("a" name 0x01 content; "m" for one kept as a MacBinary
 * file; "A" and "M" the same with the content in hex, for bytes that hold
 * NULs; a name ending in ".ccm" holding export text is a forwarded
 * message), a received date ("r" and seconds in decimal) and post office
 * settings ("p" and a line of ccm_manifest_settings_format, which
 * forwarded messages are read with). Option byte: zone (bits 0-1), a
 * sent date (bit 2), priority (bits 3-4), read (bit 5), unsent (bit 6),
 * blob parts of 5 bytes instead of the default (bit 7).
 *
 * The message is stored in a store kept in memory for the whole run,
 * inside a transaction rolled back afterwards, read back through the
 * store's cursor as the exporters do, and rendered twice: the two
 * renderings must be the same bytes, 7-bit, with CRLF line ends only,
 * and the MIME boundary may start a body line only as a delimiter.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/manifest.h"
#include "export/render.h"
#include "flow/forwards.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/po.h"
#include "store/recipients.h"

#define MAX_FIELDS 64

static struct ccm_store *store;
static long long folder;

static void setup(void)
{
	struct ccm_recipient r = { 0 };
	struct ccm_error err;
	long long mbox;

	if (store)
		return;
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "fuzz";
	r.display_name = "Fuzz";
	if (ccm_store_open(&store, ":memory:", CCM_STORE_CREATE, &err) < 0 ||
	    ccm_store_recipient_create(store, &r, &mbox, &err) < 0 ||
	    ccm_store_folder_ensure(store, mbox, "Inbox", &folder, &err) < 0) {
		fprintf(stderr, "store: %s\n", err.msg);
		abort();
	}
}

/* A field: a C string (it ends at the NUL separator), split at 0x01. */
struct field {
	char *s;       /* before 0x01 */
	char *rest;    /* after it, or NULL */
	size_t rest_len;
};

static size_t fields(char *text, size_t n, struct field *f, size_t max)
{
	size_t k = 0;
	char *p = text, *e = text + n;

	while (k < max) {
		char *nul = memchr(p, '\0', (size_t)(e - p));
		char *one;

		if (!nul)
			nul = e;
		one = memchr(p, 1, (size_t)(nul - p));

		f[k].s = p;
		f[k].rest = NULL;
		f[k].rest_len = 0;
		if (one) {
			*one = '\0';
			f[k].rest = one + 1;
			f[k].rest_len = (size_t)(nul - one - 1);
		}
		k++;
		if (nul == e)
			break;
		p = nul + 1;
	}
	return k;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The content of an "A" or "M" field, hex pairs, decoded in place (what is
 * not a pair of hex digits is passed over). */
static void unhex(struct field *f)
{
	size_t k = 0;

	for (size_t i = 0; i + 1 < f->rest_len; i += 2) {
		int hi = hexval((unsigned char)f->rest[i]);
		int lo = hexval((unsigned char)f->rest[i + 1]);

		if (hi >= 0 && lo >= 0)
			f->rest[k++] = (char)(hi << 4 | lo);
	}
	f->rest_len = k;
}

static int to_buf(void *ctx, const void *p, size_t n)
{
	ccm_buf_add(ctx, p, n);
	return 0;
}

static void check_output(const struct ccm_buf *out, long long id, size_t attachments)
{
	const char *body = strstr(out->ptr, "\r\n\r\n");
	char delim[64];
	size_t dlen, lines = 0;

	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];

		FUZZ_CHECK(c != 0 && c < 0x80);
		if (c == '\r')
			FUZZ_CHECK(i + 1 < out->len && out->ptr[i + 1] == '\n');
		if (c == '\n')
			FUZZ_CHECK(i > 0 && out->ptr[i - 1] == '\r');
	}
	FUZZ_CHECK(body != NULL);
	/* A single text part has no boundary: any line may be in it. */
	if (attachments == 0)
		return;
	/* Delimiter lines of this message's own boundary: nested parts (an
	 * AppleDouble pair, a forwarded message) have boundaries of their own
	 * that start the same way but go on. */
	dlen = (size_t)snprintf(delim, sizeof(delim), "--=_ccmig.%lld", id);
	for (const char *p = body + 2; p && p < out->ptr + out->len;) {
		if (strncmp(p, delim, dlen) == 0 &&
		    (strncmp(p + dlen, "\r\n", 2) == 0 ||
		     strncmp(p + dlen, "--\r\n", 4) == 0))
			lines++;
		if ((p = strstr(p, "\r\n")))
			p += 2;
	}
	FUZZ_CHECK(lines == attachments + 2);
}

static void direct(const struct field *f, size_t n)
{
	struct ccm_buf b = CCM_BUF_INIT;
	char date[64];

	for (size_t i = 0; i < n; i++) {
		ccm_render_unstructured(&b, "Subject", f[i].s);
		ccm_render_address(&b, f[i].s, f[i].rest, f[i].s);
	}
	for (size_t i = 0; i < b.len; i++)
		FUZZ_CHECK((unsigned char)b.ptr[i] < 0x80);
	ccm_buf_release(&b);
	ccm_render_date(date, sizeof(date), 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccm_store_message m = { 0 }, row;
	struct ccm_store_rcpt rcpts[MAX_FIELDS];
	struct ccm_store_header hdrs[MAX_FIELDS];
	struct field f[MAX_FIELDS];
	struct ccm_render_opts ro = { 0 };
	struct ccm_buf one = CCM_BUF_INIT, two = CCM_BUF_INIT;
	struct ccm_store_cursor *c;
	struct ccm_error err;
	unsigned opt = fuzz_byte(&data, &size);
	unsigned long long sent = 0;
	size_t n, attachments = 0;
	char *text;
	long long id;

	setup();
	for (int i = 0; i < 8; i++)
		sent = sent << 8 | fuzz_byte(&data, &size);
	if (!(text = malloc(size + 1)))
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	n = fields(text, size, f, MAX_FIELDS);
	direct(f, n);

	m.folder_id = folder;
	m.sender_name = f[0].s;
	m.sender_address = n > 1 && f[1].s[0] ? f[1].s : NULL;
	m.subject = n > 2 ? f[2].s : NULL;
	m.body = n > 3 ? f[3].s : NULL;
	m.body_len = m.body ? strlen(m.body) : 0;
	m.has_sent = (opt >> 2) & 1;
	m.sent_utc = (long long)sent;
	m.priority = (int)((opt >> 3) & 3) % 3 - 1;
	m.read = (opt >> 5) & 1;
	m.unsent = (opt >> 6) & 1;
	m.rcpts = rcpts;
	m.headers = hdrs;
	for (size_t i = 4; i < n; i++) {
		char k = f[i].s[0];

		if (k == 't' || k == 'c' || k == 'b') {
			struct ccm_store_rcpt *r = &rcpts[m.n_rcpts++];

			r->kind = k == 't' ? CCM_RCPT_TO : k == 'c' ? CCM_RCPT_CC
								   : CCM_RCPT_BCC;
			r->display = f[i].s + 1;
			r->address = f[i].rest;
		} else if (k == 'h' && f[i].rest) {
			hdrs[m.n_headers].name = f[i].s + 1;
			hdrs[m.n_headers++].value = f[i].rest;
		} else if (k == 'r') {
			m.has_received = 1;
			m.received_utc = strtoll(f[i].s + 1, NULL, 10);
		}
	}

	ccm_store_set_part_size(store, opt & 0x80 ? 5 : CCM_STORE_PART_SIZE);
	FUZZ_CHECK(ccm_store_begin(store, &err) == 0);
	for (size_t i = 4; i < n; i++)
		if (f[i].s[0] == 'p') {
			/* As import records them: by the name the line gives. */
			struct ccm_manifest po = { 0 };

			if (ccm_manifest_settings_parse(&po, f[i].s + 1, NULL) == 0 &&
			    po.post_office && *po.post_office)
				FUZZ_CHECK(ccm_store_po_record(store, po.post_office,
							       f[i].s + 1, &err) == 0);
			ccm_manifest_release(&po);
		}
	if (ccm_store_message_add(store, &m, &id, &err) < 0)
		goto out;
	for (size_t i = 4; i < n; i++) {
		struct ccm_store_attachment a = { 0 };
		struct ccm_store_attach *s;

		char k = f[i].s[0];

		if (!strchr("amAM", k) || !k || !f[i].rest)
			continue;
		if (k == 'A' || k == 'M')
			unhex(&f[i]);
		a.message_id = id;
		a.kind = k == 'm' || k == 'M' ? "macbinary" : NULL;
		a.name = f[i].s + 1;
		a.position = -1;
		a.size = f[i].rest_len;
		if (ccm_store_attach_begin(&s, store, &a, &err) < 0)
			continue;
		if (ccm_store_attach_write(s, f[i].rest, f[i].rest_len, &err) < 0) {
			ccm_store_attach_abort(s);
			continue;
		}
		if (ccm_store_attach_finish(s, NULL, &err) == 0)
			attachments++;
	}
	{
		/* As import does: forwarded messages' text unfolded into
		 * messages, with the settings recorded for the post office. */
		struct ccm_buf line = CCM_BUF_INIT;
		struct ccm_forwards *fw;
		int found = ccm_store_po_of_message(&line, store, id, &err);

		FUZZ_CHECK(found >= 0);
		if (ccm_forwards_open(&fw, store, found ? line.ptr : NULL, &err) == 0) {
			int unfolded = ccm_forwards_unfold(fw, id, &err);

			/* Only a temporary file that cannot be made may fail. */
			FUZZ_CHECK(unfolded >= 0 || err.code == CCM_EIO);
			ccm_forwards_free(fw);
		}
		ccm_buf_release(&line);
	}
	ccm_store_set_part_size(store, CCM_STORE_PART_SIZE);

	ro.tz = fuzz_tz(opt & 3);
	ro.domain = "example.invalid";
	ro.po_name = "SALESPO";
	FUZZ_CHECK(ccm_store_messages(&c, store, folder, &err) == 0);
	FUZZ_CHECK(ccm_store_next_message(c, &row, &err) == 1);
	FUZZ_CHECK(row.id == id);
	if (ccm_render_message(store, &row, &ro, to_buf, &one, &err) == 0) {
		FUZZ_CHECK(ccm_render_message(store, &row, &ro, to_buf, &two, &err) == 0);
		FUZZ_CHECK(one.len == two.len && memcmp(one.ptr, two.ptr, one.len) == 0);
		check_output(&one, id, attachments);
	}
	ccm_store_cursor_free(c);
out:
	FUZZ_CHECK(ccm_store_rollback(store, &err) == 0);
	ccm_buf_release(&one);
	ccm_buf_release(&two);
	free(text);
	return 0;
}
