/* sha256.c: SHA-256 through OpenSSL's, which uses the CPU's SHA
 * instructions where there are any: every attachment byte is hashed at
 * import (content addressing) and by verify, and a portable C version
 * took half of an import's time. */
#include "base/sha256.h"

#include <stdio.h>

void ccm_sha256_init(struct ccm_sha256 *s)
{
	SHA256_Init(&s->ctx);
}

void ccm_sha256_update(struct ccm_sha256 *s, const void *data, size_t len)
{
	if (len)
		SHA256_Update(&s->ctx, data, len);
}

void ccm_sha256_final(unsigned char out[32], struct ccm_sha256 *s)
{
	SHA256_Final(out, &s->ctx);
}

void ccm_sha256_hex(char out[65], const unsigned char d[32])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
