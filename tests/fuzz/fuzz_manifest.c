/* fuzz_manifest.c: po.txt, the manifest of a bundle (ccmail/manifest.h).
 *
 * Input: the file. Every path the manifest hands out must stay inside the
 * bundle: relative, '/' separated, no "..", "." or empty components.
 */
#include "fuzz.h"

#include <string.h>

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
		ccm_manifest_release(&m);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	fuzz_clean();
	return 0;
}
