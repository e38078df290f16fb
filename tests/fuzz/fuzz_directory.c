/* fuzz_directory.c: the directory export (ccmail/directory.h).
 *
 * Input: one option byte (the code page), then the file. Every entry
 * that is not a duplicate must be found again by its name.
 */
#include "fuzz.h"

#include <string.h>

#include "ccmail/directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccm_cp *cp = fuzz_cp(fuzz_byte(&data, &size));
	const char *path = fuzz_file("directory.exp", data, size);
	struct ccm_directory d;
	struct ccm_error err;

	memset(&d, 0, sizeof(d));
	if (ccm_directory_read(&d, path, "directory.exp", cp, fuzz_report(),
			       &err) == 0) {
		for (size_t i = 0; i < d.len; i++) {
			const struct ccm_dir_entry *e = &d.entries[i];
			const struct ccm_dir_entry *found;
			size_t n;

			FUZZ_CHECK(e->name != NULL && e->location != 0);
			n = strlen(e->name);
			FUZZ_CHECK(n <= d.max_name);
			found = ccm_directory_find(&d, e->name, n);
			FUZZ_CHECK(found != NULL);
			FUZZ_CHECK(ccm_name_cmp(found->name, strlen(found->name),
						e->name, n) == 0);
			FUZZ_CHECK(ccm_name_hash(found->name, strlen(found->name)) ==
				   ccm_name_hash(e->name, n));
			if (!d.duplicate[i])
				FUZZ_CHECK(found == e);
			for (size_t k = 0; k < e->n_extra; k++)
				FUZZ_CHECK(e->extra[k].key && e->extra[k].value);
		}
	}
	ccm_directory_release(&d);
	fuzz_clean();
	return 0;
}
