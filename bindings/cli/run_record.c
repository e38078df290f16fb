/* run_record.c: the command line and policy digests a run records. */
#include "run_record.h"
#include "base/sha256.h"

#include <stdio.h>
#include <string.h>

void ccm_run_record_args(struct ccm_buf *out, int argc, char **argv)
{
	ccm_buf_adds(out, "ccmig");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		ccm_buf_addch(out, ' ');
		if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789-_./=:,@+%") == strlen(a)) {
			ccm_buf_adds(out, a);
			continue;
		}
		ccm_buf_add_sh_quoted(out, a);
	}
}

void ccm_run_record_policies(struct ccm_buf *out, const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		unsigned char d[32];
		char hex[65], piece[8192];
		struct ccm_sha256 h;
		size_t got;

		if (!f) {
			ccm_buf_addf(out, "unreadable  %s\n", files[i]);
			continue;
		}
		ccm_sha256_init(&h);
		while ((got = fread(piece, 1, sizeof(piece), f)) > 0)
			ccm_sha256_update(&h, piece, got);
		fclose(f);
		ccm_sha256_final(d, &h);
		ccm_sha256_hex(hex, d);
		ccm_buf_addf(out, "%s  %s\n", hex, files[i]);
	}
}
