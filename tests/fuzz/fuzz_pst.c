/* fuzz_pst.c: the PST writer (pst/messaging.h, over the LTP and the NDB).
 *
 * Input: NUL-separated fields, each an operation on one PST file made in
 * the private folder:
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
 *                      must be refused with CCM_EMALFORMED).
 * "f", "d" and "m" end the open messages first ("e" with none open is
 * an "m"). Strings are passed as they are, valid UTF-8 or not. Every call either
 * succeeds or fails with a CCM_E* code and a message; after a failure
 * the file is abandoned (ccm_pst_abort). In the end ccm_pst_finish: on
 * success the file exists and is at least one page long, and no .tmp is
 * left either way.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int failed(int rc, const struct ccm_error *err)
{
	if (rc < 0) {
		FUZZ_CHECK(err->msg[0] != '\0');
		return 1;
	}
	FUZZ_CHECK(rc == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	snprintf(path, sizeof path, "%s/fuzz.pst", fuzz_dir());
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(path);
	if (failed(ccm_pst_open(&p, path, "Fuzz", uid, &err), &err)) {
		free(text);
		return 0;
	}
	f = text;
	end = text + size;
	while (f <= end && n_fields++ < MAX_FIELDS && !bad) {
		char *v[5];
		size_t len = strlen(f);
		char op = f[0];

		parts(f + (len > 0), v, 5);
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
		ccm_pst_abort(p);
		FUZZ_CHECK(stat(path, &st) < 0);
	} else if (!failed(ccm_pst_finish(p, &err), &err)) {
		FUZZ_CHECK(stat(path, &st) == 0 && st.st_size >= 512);
	}
	FUZZ_CHECK(stat(tmp, &st) < 0);
	unlink(path);
	free(text);
	fuzz_clean();
	return 0;
}
