/* fuzz_manifest.c: po.txt, the manifest of a bundle, and the settings
 * line made of it (ccmail/manifest.h).
 *
 * Input: the file. Every path the manifest hands out must stay inside the
 * bundle: relative, '/' separated, no "..", "." or empty components. The
 * settings line of a manifest read (what extract writes into a packing
 * list and the store keeps) reads back to the same settings. The input,
 * up to its first NUL, is also read as such a line, as one from another
 * tool's packing list or a damaged store would be.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "ccmail/manifest.h"

static void check_path(const char *p)
{
	const char *s = p;

	if (!p)
		return;
	FUZZ_CHECK(p[0] != '\0' && p[0] != '/' && !strchr(p, '\\'));
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!(n == 1 && s[0] == '.'));
		FUZZ_CHECK(!(n == 2 && s[0] == '.' && s[1] == '.'));
		if (!e)
			break;
		s = e + 1;
	}
}

static void check_entries(const struct ccm_manifest_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(e[i].name != NULL && e[i].name[0] != '\0');
		check_path(e[i].path);
	}
}

static int same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The settings of m, formatted and read back, are m's. */
static void settings_round_trip(const struct ccm_manifest *m)
{
	struct ccm_buf line = CCM_BUF_INIT;
	struct ccm_manifest back;
	struct ccm_error err;

	memset(&back, 0, sizeof(back));
	ccm_manifest_settings_format(&line, m);
	FUZZ_CHECK(ccm_manifest_settings_parse(&back, line.ptr, &err) == 0);
	FUZZ_CHECK(back.code_page == m->code_page);
	FUZZ_CHECK(back.date_order == m->date_order);
	FUZZ_CHECK(back.attachments == m->attachments);
	FUZZ_CHECK(!back.item_sizes == !m->item_sizes);
	FUZZ_CHECK(same(back.time_zone, m->time_zone ? m->time_zone : "UTC"));
	FUZZ_CHECK(same(back.post_office, m->post_office));
	ccm_manifest_release(&back);
	ccm_buf_release(&line);
}

static void settings_line(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ccm_manifest m;
	struct ccm_error err;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&m, 0, sizeof(m));
	if (ccm_manifest_settings_parse(&m, text, &err) == 0) {
		FUZZ_CHECK(m.code_page > 0 && m.code_page <= 65535);
		FUZZ_CHECK(m.date_order <= CCM_DATE_YMD);
		FUZZ_CHECK(ccm_attach_enc_name(m.attachments) != NULL);
		FUZZ_CHECK(m.time_zone != NULL);
		ccm_manifest_release(&m);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("po.txt", data, size);
	struct ccm_manifest m;
	struct ccm_error err;

	if (ccm_manifest_read(&m, path, fuzz_report(), &err) == 0) {
		FUZZ_CHECK(m.post_office != NULL && m.directory != NULL);
		FUZZ_CHECK(m.database == 6 || m.database == 8);
		FUZZ_CHECK(m.code_page > 0);
		FUZZ_CHECK(m.date_order <= CCM_DATE_YMD);
		FUZZ_CHECK(ccm_attach_enc_name(m.attachments) != NULL);
		FUZZ_CHECK(ccm_attach_enc_parse(ccm_attach_enc_name(m.attachments)) ==
			   (int)m.attachments);
		FUZZ_CHECK(m.time_zone != NULL);
		check_path(m.directory);
		check_path(m.lists);
		check_entries(m.mailboxes, m.n_mailboxes);
		check_entries(m.privates, m.n_privates);
		check_entries(m.boards, m.n_boards);
		settings_round_trip(&m);
		ccm_manifest_release(&m);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	fuzz_clean();
	settings_line(data, size);
	return 0;
}
