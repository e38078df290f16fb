/* fuzz_lists.c: public mailing lists, lists.exp (ccmail/lists.h).
 *
 * Input: one option byte (the code page), then the file.
 */
#include "fuzz.h"

#include "ccmail/lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccm_cp *cp = fuzz_cp(fuzz_byte(&data, &size));
	const char *path = fuzz_file("lists.exp", data, size);
	struct ccm_lists l;
	struct ccm_error err;

	if (ccm_lists_read(&l, path, "lists.exp", cp, fuzz_report(), &err) == 0) {
		for (size_t i = 0; i < l.len; i++) {
			FUZZ_CHECK(l.v[i].name != NULL);
			for (size_t k = 0; k < l.v[i].n_members; k++)
				FUZZ_CHECK(l.v[i].members[k] && l.v[i].members[k][0]);
		}
		ccm_lists_release(&l);
	}
	fuzz_clean();
	return 0;
}
