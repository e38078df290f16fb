/* run_record.c: the command line and policy digests a run records. */
#include "run_record.h"
#include "base/error.h"
#include "base/sha256.h"

#include <stdio.h>
#include <string.h>

int ccm_run_record_args(struct ccm_buf *out, int argc, char **argv)
{
	int rc = ccm_buf_adds(out, "ccmig");

	for (int i = 0; i < argc && rc == 0; i++) {
		const char *a = argv[i];

		rc = ccm_buf_addch(out, ' ');
		if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789-_./=:,@+%") == strlen(a)) {
			rc |= ccm_buf_adds(out, a);
			continue;
		}
		rc |= ccm_buf_addch(out, '\'');
		for (; *a && rc == 0; a++)
			rc = *a == '\'' ? ccm_buf_adds(out, "'\\''") : ccm_buf_addch(out, *a);
		rc |= ccm_buf_addch(out, '\'');
	}
	return rc ? CCM_ENOMEM : 0;
}

int ccm_run_record_policies(struct ccm_buf *out, const char *const *files, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		FILE *f = fopen(files[i], "rb");
		unsigned char d[32];
		char hex[65], piece[8192];
		struct ccm_sha256 h;
		size_t got;

		if (!f) {
			rc = ccm_buf_addf(out, "unreadable  %s\n", files[i]);
			continue;
		}
		ccm_sha256_init(&h);
		while ((got = fread(piece, 1, sizeof(piece), f)) > 0)
			ccm_sha256_update(&h, piece, got);
		fclose(f);
		ccm_sha256_final(d, &h);
		ccm_sha256_hex(hex, d);
		rc = ccm_buf_addf(out, "%s  %s\n", hex, files[i]);
	}
	return rc ? CCM_ENOMEM : 0;
}
