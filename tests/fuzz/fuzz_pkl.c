/* fuzz_pkl.c: the packing list of a migration file set, and the walk of
 * its secondary files that `ccmig check` does (iff/reader.h).
 *
 * Input: the packing list, then the files of the set, each after a line
 * "@@file NAME" (tests/fuzz/fuzz.h, fuzz_split). No name the packing
 * list holds may lead outside the set's folder; the post office settings
 * it carries are UTF-8.
 */
#include "fuzz.h"

#include <string.h>

#include "base/codepage.h"
#include "ccmail/manifest.h"
#include "iff/reader.h"

/* The post office settings a packing list carries: UTF-8, read as import
 * reads them. */
static void check_po_settings(const struct ccm_iff_set *s)
{
	const char *text = ccm_iff_set_po_settings(s);
	struct ccm_manifest m;
	struct ccm_error err;

	if (!text)
		return;
	FUZZ_CHECK(ccm_utf8_valid(text, strlen(text)));
	memset(&m, 0, sizeof(m));
	if (ccm_manifest_settings_parse(&m, text, &err) == 0)
		ccm_manifest_release(&m);
	else
		FUZZ_CHECK(err.msg[0] != '\0');
}

static void check_file(const struct ccm_iff_set *s, const struct ccm_iff_file *f)
{
	const char *dir = ccm_iff_set_dir(s);
	size_t n = strlen(dir);

	FUZZ_CHECK(f->name && f->name[0]);
	FUZZ_CHECK(!strpbrk(f->name, "/\\") && strcmp(f->name, "..") != 0);
	FUZZ_CHECK((f->path == NULL) == (f->size < 0));
	if (f->path) {
		FUZZ_CHECK(strncmp(f->path, dir, n) == 0 && f->path[n] == '/');
		FUZZ_CHECK(!strchr(f->path + n + 1, '/'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pkl = fuzz_files(data, size, "SET.PKL");
	struct ccm_iff_set *s;
	struct ccm_error err;

	if (ccm_iff_set_open(&s, pkl, fuzz_report(), &err) == 0) {
		size_t np = ccm_iff_set_count(s, CCM_IFF_PRIMARY);
		size_t ns = ccm_iff_set_count(s, CCM_IFF_SECONDARY);

		FUZZ_CHECK(ccm_iff_set_code_page(s) > 0 && ccm_iff_set_cp(s));
		FUZZ_CHECK(strcmp(ccm_iff_set_pkl_name(s), "SET.PKL") == 0);
		check_po_settings(s);
		for (size_t i = 0; i < np; i++)
			check_file(s, ccm_iff_set_file(s, CCM_IFF_PRIMARY, i));
		for (size_t i = 0; i < ns; i++) {
			const struct ccm_iff_file *f =
				ccm_iff_set_file(s, CCM_IFF_SECONDARY, i);
			unsigned long sections = 0;
			unsigned long long bytes = 0;

			check_file(s, f);
			if (ccm_iff_set_scan_secondary(s, i, &sections, &bytes,
						       &err) == 0 && f->path)
				FUZZ_CHECK(bytes <= (unsigned long long)f->size);
		}
		ccm_iff_set_close(s);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	fuzz_clean();
	return 0;
}
