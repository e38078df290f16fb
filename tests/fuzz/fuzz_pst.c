/* fuzz_pst.c: the PST writer: its messaging layer (pst/messaging.h, over
 * the LTP and the NDB) and its LTP builders (pst/ltp.h) called directly.
 *
 * An input whose first byte is 0xFF is an LTP build (see ltp_input
 * below): a property context or a table context whose properties, types,
 * sizes (around the 3580-byte heap allocation and the 8176-byte block),
 * columns and rows come from the input, built with ccm_pst_pc_build or
 * ccm_pst_tc_build. A build either succeeds, with pages and subnode
 * blocks of at most 8176 bytes, subnodes sorted by nid of type
 * NID_TYPE_LTP from the caller's index, and (a PC) the same bytes
 * whatever the order of its properties; or fails with CCM_EINVAL,
 * CCM_EUNSUPPORTED, CCM_ELIMIT or CCM_ENOMEM, a message, an empty
 * output and the caller's index unchanged.
 *
 * Any other input: NUL-separated fields, each an operation on one PST
 * file made in the private folder:
 *   "f" name           a folder below the last folder added (below Top of
 *                      Personal Folders when the name starts with '/'),
 *                      its role the name's length modulo 6;
 *   "d"                the current folder's contents done;
 *   "m" subject 0x01 sender 0x01 email 0x01 body 0x01 headers
 *                      a message in the current folder;
 *   "e" name 0x01 subject   a message embedded in the open one;
 *   "." the innermost open message ended;
 *   "t" / "c" / "b" name 0x01 email   a recipient of the next message;
 *   "a" name 0x01 content   an attachment of the innermost open message
 *                      ("A": one byte more declared than given, which
 *                      must be refused with CCM_EMALFORMED);
 *   "x" name 0x01 size 0x01 fail   an attachment of len(size) * 8191
 *                      bytes (over 64 KiB it is streamed) whose read
 *                      callback returns CCM_EIO after len(fail) * 5000
 *                      bytes: the attach fails with CCM_EIO and a message
 *                      (or succeeds when that is past its size);
 *   "o" name           ccm_pst_open of a file in a folder that does not
 *                      exist: fails with a message, makes nothing.
 * "f", "d" and "m" end the open messages first ("e" with none open is
 * an "m"). Strings are passed as they are, valid UTF-8 or not. Every call either
 * succeeds or fails with a CCM_E* code and a message; after a failure
 * a later call gives the same code and message, and the file is
 * abandoned (ccm_pst_abort). In the end ccm_pst_finish: on
 * success the file exists and is at least one page long, and no .tmp is
 * left either way.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pst/ltp.h"
#include "pst/messaging.h"

#define MAX_FIELDS 256
#define MAX_DEPTH 8
#define MAX_RCPTS 16

struct src {
	const char *p;
	size_t n, at;
};

static long long src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	size_t k = s->n - s->at;

	if (k > n)
		k = n;
	memcpy(buf, s->p + s->at, k);
	s->at += k;
	return (long long)k;
}

/* An attachment's data made up: `size` bytes, CCM_EIO once `fail_at`
 * bytes are given. */
struct gen {
	unsigned long long size, fail_at, at;
};

static long long gen_read(void *ctx, void *buf, size_t n)
{
	struct gen *g = ctx;
	unsigned long long k = g->size - g->at;

	if (g->at >= g->fail_at)
		return CCM_EIO;
	if (k > n)
		k = n;
	if (k > g->fail_at - g->at)
		k = g->fail_at - g->at;
	for (size_t i = 0; i < k; i++)
		((unsigned char *)buf)[i] = (unsigned char)((g->at + i) * 7 + 3);
	g->at += k;
	return (long long)k;
}

/* The parts of field f split at 0x01 into up to max strings (in place). */
static size_t parts(char *f, char **out, size_t max)
{
	size_t k = 0;

	out[k++] = f;
	while (k < max) {
		char *one = strchr(out[k - 1], 1);

		if (!one)
			break;
		*one = '\0';
		out[k++] = one + 1;
	}
	for (size_t i = k; i < max; i++)
		out[i] = NULL;
	return k;
}

static int last_failure;    /* the code of the last failure failed() saw */

static int failed(int rc, const struct ccm_error *err)
{
	if (rc < 0) {
		FUZZ_CHECK(err->msg[0] != '\0');
		last_failure = rc;
		return 1;
	}
	FUZZ_CHECK(rc == 0);
	return 0;
}

static void messaging(const uint8_t *data, size_t size)
{
	static const unsigned char uid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct ccm_pst_recipient rc[MAX_RCPTS];
	struct ccm_pst_message msg[MAX_DEPTH];
	struct ccm_pst_msg *open[MAX_DEPTH];
	struct ccm_pst *p = NULL;
	struct ccm_error err;
	char path[4096], tmp[4112];
	char *text = malloc(size + 1), *f, *end;
	size_t depth = 0, n_rc = 0, n_fields = 0;
	uint32_t folder = 0;
	int bad = 0;
	struct stat st;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	snprintf(path, sizeof path, "%s/fuzz.pst", fuzz_dir());
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(path);
	if (failed(ccm_pst_open(&p, path, "Fuzz", uid, &err), &err)) {
		free(text);
		return;
	}
	f = text;
	end = text + size;
	while (f <= end && n_fields++ < MAX_FIELDS && !bad) {
		char *v[5];
		size_t len = strlen(f);
		char op = f[0];

		parts(f + (len > 0), v, 5);
		memset(&err, 0, sizeof err);    /* a failure must say what, afresh */
		/* A folder or its contents done ends the open messages first. */
		if (op == 'f' || op == 'd' || op == 'm')
			while (depth > 0 && !bad)
				bad = failed(ccm_pst_msg_end(open[--depth], &err), &err);
		if (bad)
			break;
		if (op == 'f') {
			uint32_t nid;

			bad = failed(ccm_pst_folder_add(&nid, p, v[0][0] == '/' ? 0 : folder, v[0],
							(enum ccm_pst_role)(strlen(v[0]) % 6), &err), &err);
			if (!bad)
				folder = nid;
		} else if (op == 'd') {
			bad = failed(ccm_pst_folder_done(p, folder, &err), &err);
		} else if (op == 'm' || op == 'e') {
			struct ccm_pst_message *m;
			int embedded = op == 'e' && depth > 0;

			if (depth == MAX_DEPTH) {
				f += len + 1;
				continue;
			}
			m = &msg[depth];
			memset(m, 0, sizeof *m);
			m->subject = embedded ? v[1] : v[0];
			m->sender_name = embedded ? NULL : v[1];
			m->sender_addrtype = "SMTP";
			m->sender_email = embedded ? NULL : v[2];
			m->body = embedded ? NULL : v[3];
			m->body_len = m->body ? strlen(m->body) : 0;
			m->headers = embedded ? NULL : v[4];
			m->submit_utc = (long long)len * 86400;
			m->delivery_utc = (long long)len * 3600;
			m->read = len & 1;
			m->unsent = (len >> 1) & 1;
			m->importance = (int)(len % 3);
			m->rcpts = rc;
			m->n_rcpts = n_rc;
			bad = failed(ccm_pst_msg_begin(&open[depth], p, folder,
						       embedded ? open[depth - 1] : NULL,
						       embedded ? v[0] : NULL, m, &err), &err);
			if (!bad)
				depth++;
			n_rc = 0;    /* the next message's recipients start afresh */
		} else if (op == '.' && depth > 0) {
			bad = failed(ccm_pst_msg_end(open[--depth], &err), &err);
		} else if ((op == 't' || op == 'c' || op == 'b') && n_rc < MAX_RCPTS &&
			   depth == 0) {
			rc[n_rc].kind = op == 't' ? 1 : op == 'c' ? 2 : 3;
			rc[n_rc].name = v[0];
			rc[n_rc].addrtype = "SMTP";
			rc[n_rc].email = v[1];
			n_rc++;
		} else if ((op == 'a' || op == 'A') && depth > 0) {
			const char *content = v[1] ? v[1] : "";
			struct src s = { content, strlen(content), 0 };
			int r = ccm_pst_msg_attach(open[depth - 1], v[0], s.n + (op == 'A'),
						   (long long)len - 2, src_read, &s, &err);

			FUZZ_CHECK(op == 'a' || r == CCM_EMALFORMED);
			bad = failed(r, &err);
		} else if (op == 'x' && depth > 0) {
			struct gen g = { 0, 0, 0 };
			int r;

			g.size = (unsigned long long)(v[1] ? strlen(v[1]) : 0) * 8191;
			g.fail_at = (unsigned long long)(v[2] ? strlen(v[2]) : 0) * 5000;
			r = ccm_pst_msg_attach(open[depth - 1], v[0], g.size, -1, gen_read, &g, &err);
			/* A read that fails before the end is the attach's failure. */
			FUZZ_CHECK(g.fail_at > g.size ? r == 0 || r == CCM_ENOMEM : r == CCM_EIO);
			bad = failed(r, &err);
		} else if (op == 'o') {
			static char sentinel;
			char nopath[4096 + 64];
			struct ccm_pst *q = (struct ccm_pst *)(void *)&sentinel;

			snprintf(nopath, sizeof nopath, "%s/no-such-folder/%s.pst", fuzz_dir(), v[0]);
			FUZZ_CHECK(failed(ccm_pst_open(&q, nopath, v[0], uid, &err), &err));
			FUZZ_CHECK(q == NULL);
			snprintf(nopath, sizeof nopath, "%s/no-such-folder", fuzz_dir());
			FUZZ_CHECK(stat(nopath, &st) < 0);
		}
		f += len + 1;
	}
	while (bad && depth > 0)
		ccm_pst_msg_abort(open[--depth]);
	while (!bad && depth > 0)
		bad = failed(ccm_pst_msg_end(open[--depth], &err), &err);
	while (depth > 0)
		ccm_pst_msg_abort(open[--depth]);
	if (bad) {
		struct ccm_error again;
		uint32_t late;

		/* The failure is the file's: a later call gives it again. */
		FUZZ_CHECK(ccm_pst_folder_add(&late, p, 0, "late", CCM_PST_FOLDER, &again) ==
			   last_failure);
		FUZZ_CHECK(strcmp(again.msg, err.msg) == 0);
		ccm_pst_abort(p);
		FUZZ_CHECK(stat(path, &st) < 0);
	} else if (!failed(ccm_pst_finish(p, &err), &err)) {
		FUZZ_CHECK(stat(path, &st) == 0 && st.st_size >= 512);
	}
	FUZZ_CHECK(stat(tmp, &st) < 0);
	unlink(path);
	free(text);
}

/* ---- LTP builds -------------------------------------------------------- */

/*
 * An LTP input, after its 0xFF: one byte, bit 0 the kind (0 PC, 1 TC),
 * the rest the caller's first subnode index (0x7F: near its 2^27 limit).
 * A PC then takes properties of 6 bytes each until the input ends (at
 * most MAX_PROPS): id (2), type (1: TYPES[b], else a type made of it and
 * the fill byte), size (2: bit 15 set, the type's own size; else the low
 * 15 bits), fill (1: where in the pattern the value starts; for
 * PtypObject, and 0xFF with other variable types, the caller's subnode
 * nid instead of bytes). A TC takes a column count (2, up to 300), its
 * columns (6 bytes each, as properties, the last byte its presence: bit
 * 7 set, a cell missing now and then; 0x7F, row 0's cell of another
 * type), a row count (2), a row id step and first id (1 each); row i's
 * variable cells are of varied sizes up to the column's.
 */
#define MAX_PROPS 512
#define MAX_COLS 300
#define MAX_CELLS 200000
#define MAX_VALUE 0x8000u
#define MAX_TABLE_BYTES (16u << 20)

static const uint16_t TYPES[] = {
	CCM_PST_PT_I2, CCM_PST_PT_LONG, CCM_PST_PT_R4, CCM_PST_PT_DOUBLE,
	CCM_PST_PT_CURRENCY, CCM_PST_PT_APPTIME, CCM_PST_PT_ERROR, CCM_PST_PT_BOOLEAN,
	CCM_PST_PT_OBJECT, CCM_PST_PT_I8, CCM_PST_PT_STRING8, CCM_PST_PT_UNICODE,
	CCM_PST_PT_SYSTIME, CCM_PST_PT_CLSID, CCM_PST_PT_BINARY,
	CCM_PST_PT_MV | CCM_PST_PT_LONG, CCM_PST_PT_MV | CCM_PST_PT_UNICODE,
	CCM_PST_PT_MV | CCM_PST_PT_BINARY, CCM_PST_PT_UNSPECIFIED, 0x0001
};
#define N_TYPES (sizeof(TYPES) / sizeof(TYPES[0]))

static unsigned char pattern[MAX_VALUE + 256];
static const unsigned char BOOLS[2] = { 0, 1 };

static size_t natural(uint16_t type)
{
	switch (type) {
	case CCM_PST_PT_BOOLEAN: return 1;
	case CCM_PST_PT_I2: return 2;
	case CCM_PST_PT_LONG: case CCM_PST_PT_R4: case CCM_PST_PT_ERROR: return 4;
	case CCM_PST_PT_DOUBLE: case CCM_PST_PT_CURRENCY: case CCM_PST_PT_APPTIME:
	case CCM_PST_PT_I8: case CCM_PST_PT_SYSTIME: return 8;
	case CCM_PST_PT_CLSID: return 16;
	default: return 0;
	}
}

static int variable(uint16_t type)
{
	return natural(type) == 0 && type != CCM_PST_PT_OBJECT;
}

/* One property (or a column's first cell) from 6 bytes. */
static struct ccm_pst_prop prop_of(const uint8_t *b)
{
	struct ccm_pst_prop pr;
	unsigned n = (unsigned)(b[3] | b[4] << 8);
	uint8_t fill = b[5];

	memset(&pr, 0, sizeof pr);
	pr.id = (uint16_t)(b[0] | b[1] << 8);
	pr.type = b[2] < N_TYPES ? TYPES[b[2]] : (uint16_t)(b[2] << 8 | fill);
	pr.n = n & 0x8000 ? natural(pr.type) : n;
	pr.p = pattern + fill;
	if (pr.type == CCM_PST_PT_BOOLEAN && pr.n == 1)
		pr.p = &BOOLS[fill & 1];         /* 0 or 1, as PtypBoolean is */
	if (pr.type == CCM_PST_PT_OBJECT || (fill == 0xFF && variable(pr.type))) {
		pr.p = NULL;
		pr.nid = (uint32_t)fill << 5 | (fill & 0x1F);
	}
	return pr;
}

static int same_bufs(const struct ccm_buf *a, const struct ccm_buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].len != b[i].len || memcmp(a[i].ptr, b[i].ptr, a[i].len) != 0)
			return 0;
	return 1;
}

static int same_out(const struct ccm_pst_node_out *a, const struct ccm_pst_node_out *b)
{
	if (a->n_pages != b->n_pages || a->n_subnodes != b->n_subnodes ||
	    !same_bufs(a->pages, b->pages, a->n_pages))
		return 0;
	for (size_t i = 0; i < a->n_subnodes; i++) {
		const struct ccm_pst_ltp_subnode *x = &a->subnodes[i], *y = &b->subnodes[i];

		if (x->nid != y->nid || x->n_blocks != y->n_blocks ||
		    !same_bufs(x->blocks, y->blocks, x->n_blocks))
			return 0;
	}
	return 1;
}

/* What every build promises, whether it succeeded (rc 0) or not. */
static void check_build(int rc, const struct ccm_pst_node_out *out, uint32_t before,
			uint32_t after, const struct ccm_error *err)
{
	if (rc < 0) {
		FUZZ_CHECK(rc == CCM_EINVAL || rc == CCM_EUNSUPPORTED || rc == CCM_ELIMIT ||
			   rc == CCM_ENOMEM);
		FUZZ_CHECK(err->msg[0] != '\0');
		FUZZ_CHECK(out->n_pages == 0 && out->n_subnodes == 0);
		FUZZ_CHECK(after == before);
		return;
	}
	FUZZ_CHECK(rc == 0 && out->n_pages > 0);
	for (size_t i = 0; i < out->n_pages; i++)
		FUZZ_CHECK(out->pages[i].len > 0 && out->pages[i].len <= CCM_PST_BLOCK_MAX);
	for (size_t i = 0; i < out->n_subnodes; i++) {
		const struct ccm_pst_ltp_subnode *sn = &out->subnodes[i];

		FUZZ_CHECK((sn->nid & 0x1F) == CCM_PST_NID_TYPE_LTP);
		FUZZ_CHECK((sn->nid >> 5) >= before && (sn->nid >> 5) < after);
		FUZZ_CHECK(i == 0 || out->subnodes[i - 1].nid < sn->nid);
		FUZZ_CHECK(sn->n_blocks > 0);
		for (size_t k = 0; k < sn->n_blocks; k++)
			FUZZ_CHECK(sn->blocks[k].len <= CCM_PST_BLOCK_MAX);
	}
}

static void pc_input(const uint8_t *d, size_t size, uint32_t first)
{
	struct ccm_pst_prop *props = calloc(MAX_PROPS, sizeof *props);
	struct ccm_pst_node_out out, again;
	struct ccm_error err;
	uint32_t next = first, next2 = first;
	size_t n = 0;
	int rc;

	if (!props)
		return;
	for (; size >= 6 && n < MAX_PROPS; d += 6, size -= 6)
		props[n++] = prop_of(d);
	memset(&err, 0, sizeof err);
	rc = ccm_pst_pc_build(&out, props, n, &next, &err);
	check_build(rc, &out, first, next, &err);
	if (rc == 0) {
		/* Sorted by id: the order given does not matter. */
		for (size_t i = 0; i < n / 2; i++) {
			struct ccm_pst_prop t = props[i];

			props[i] = props[n - 1 - i];
			props[n - 1 - i] = t;
		}
		rc = ccm_pst_pc_build(&again, props, n, &next2, &err);
		FUZZ_CHECK(rc == 0 || rc == CCM_ENOMEM);
		if (rc == 0) {
			FUZZ_CHECK(next2 == next && same_out(&out, &again));
			ccm_pst_node_out_release(&again);
		}
	}
	ccm_pst_node_out_release(&out);
	free(props);
}

static void tc_input(const uint8_t *d, size_t size, uint32_t first)
{
	struct ccm_pst_col cols[MAX_COLS];
	struct ccm_pst_prop proto[MAX_COLS];
	uint8_t presence[MAX_COLS];
	struct ccm_pst_prop *cells = NULL;
	const struct ccm_pst_prop **rows = NULL;
	uint32_t *ids = NULL, next = first, step, base;
	struct ccm_pst_node_out out;
	struct ccm_error err;
	size_t n_cols, n_rows, row_bytes = 0;
	int rc;

	if (size < 2)
		return;
	n_cols = (size_t)(d[0] | d[1] << 8) % (MAX_COLS + 1);
	d += 2, size -= 2;
	if (size < n_cols * 6 + 4)
		n_cols = size < 4 ? 0 : (size - 4) / 6;
	for (size_t j = 0; j < n_cols; j++, d += 6, size -= 6) {
		proto[j] = prop_of(d);
		presence[j] = d[5];
		cols[j].id = proto[j].id;
		cols[j].type = proto[j].type;
		row_bytes += proto[j].n + 8;
	}
	if (size < 4)
		return;
	n_rows = (size_t)(d[0] | d[1] << 8);
	step = d[2];
	base = d[3];
	/* Bounded work: cells, and the bytes of the table's values. */
	if (n_cols && n_rows > MAX_CELLS / n_cols)
		n_rows = MAX_CELLS / n_cols;
	if (n_rows > MAX_TABLE_BYTES / (row_bytes + 8))
		n_rows = MAX_TABLE_BYTES / (row_bytes + 8);
	cells = calloc(n_rows * n_cols + 1, sizeof *cells);
	rows = calloc(n_rows + 1, sizeof *rows);
	ids = calloc(n_rows + 1, sizeof *ids);
	if (!cells || !rows || !ids)
		goto done;
	for (size_t i = 0; i < n_rows; i++) {
		rows[i] = cells + i * n_cols;
		ids[i] = base + (uint32_t)i * step;
		for (size_t j = 0; j < n_cols; j++) {
			struct ccm_pst_prop *c = &cells[i * n_cols + j];

			*c = proto[j];
			if ((presence[j] & 0x80) && (i + j) % ((presence[j] & 0x7F) + 1u) == 0)
				c->type = CCM_PST_PT_UNSPECIFIED;
			else if (presence[j] == 0x7F && i == 0)
				c->type = (uint16_t)(c->type + 1);
			else if (variable(c->type) && c->p)
				c->n = proto[j].n - (i * 13) % (proto[j].n + 1);
		}
	}
	memset(&err, 0, sizeof err);
	rc = ccm_pst_tc_build(&out, cols, n_cols, rows, ids, n_rows, &next, &err);
	check_build(rc, &out, first, next, &err);
	ccm_pst_node_out_release(&out);
done:
	free(cells);
	free(rows);
	free(ids);
}

static void ltp_input(const uint8_t *d, size_t size)
{
	uint32_t first;

	if (size < 1)
		return;
	if (!pattern[1])
		for (size_t i = 0; i < sizeof pattern; i++)
			pattern[i] = (unsigned char)(i * 7 + 3);
	first = (d[0] >> 1) == 0x7F ? (1u << 27) - 2 : 1u + (d[0] >> 1);
	if (d[0] & 1)
		tc_input(d + 1, size - 1, first);
	else
		pc_input(d + 1, size - 1, first);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 0xFF)
		ltp_input(data + 1, size - 1);
	else
		messaging(data, size);
	fuzz_clean();
	return 0;
}
