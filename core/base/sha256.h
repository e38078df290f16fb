/* sha256.h: SHA-256 (FIPS 180-4), for content hashes of blobs and files. */
#ifndef CCM_SHA256_H
#define CCM_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The low-level SHA-256 calls are what a caller-owned state without an
 * allocation needs; OpenSSL 3 marks them deprecated, not removed, and the
 * build sets OPENSSL_API_COMPAT to 1.1.1 (CMakeLists.txt) to say so. */
#include <openssl/sha.h>

/*
 * A hash in progress; caller-owned, holds no allocation (nothing to
 * release). Feed data in pieces of any size with ccm_sha256_update().
 */
struct ccm_sha256 {
	SHA256_CTX ctx;
};

/* Starts a new hash in caller-owned storage. */
void ccm_sha256_init(struct ccm_sha256 *s);
/* Adds `len` bytes (data may be NULL when len is 0). */
void ccm_sha256_update(struct ccm_sha256 *s, const void *data, size_t len);
/*
 * Writes the 32-byte digest to out. The state is spent afterwards: call
 * ccm_sha256_init() before hashing anything else with it.
 */
void ccm_sha256_final(unsigned char out[32], struct ccm_sha256 *s);
/* Lower-case hex of a digest: 64 characters and a NUL. */
void ccm_sha256_hex(char out[65], const unsigned char d[32]);

#endif
