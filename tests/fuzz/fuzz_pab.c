/* fuzz_pab.c: private address books, one pab/ file each (ccmail/lists.h).
 *
 * Input: one option byte (the code page), then the file.
 */
#include "fuzz.h"

#include "ccmail/lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccm_cp *cp = fuzz_cp(fuzz_byte(&data, &size));
	const char *path = fuzz_file("pab.exp", data, size);
	struct ccm_pab p;
	struct ccm_error err;

	if (ccm_pab_read(&p, path, "pab.exp", cp, fuzz_report(), &err) == 0) {
		for (size_t i = 0; i < p.n_entries; i++)
			FUZZ_CHECK(p.entries[i].name != NULL);
		for (size_t i = 0; i < p.n_lists; i++) {
			FUZZ_CHECK(p.lists[i].name != NULL);
			for (size_t k = 0; k < p.lists[i].n_members; k++)
				FUZZ_CHECK(p.lists[i].members[k] &&
					   p.lists[i].members[k][0]);
		}
		ccm_pab_release(&p);
	}
	fuzz_clean();
	return 0;
}
