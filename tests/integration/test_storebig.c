/* test_storebig.c: a 256 MiB attachment streams into the store and back out
 * in pieces, byte for byte, with peak memory well under 64 MiB. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/sha256.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"
#include "store/store.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#else
#define UNDER_SANITIZER 0
#endif

#define PIECE (64 * 1024)
#define RSS_LIMIT_KIB (64 * 1024)

/* CCMIG_BIG_ATTACHMENT overrides the size; sanitizer builds use a smaller
 * one (their shadow memory says nothing of ccmig's own use). */
static unsigned long long big_size(void)
{
	const char *env = getenv("CCMIG_BIG_ATTACHMENT");

	if (env && *env)
		return strtoull(env, NULL, 10);
	return UNDER_SANITIZER ? 32ULL << 20 : 256ULL << 20;
}

/* Bytes at any offset, cheap to make and to check. */
static void fill(unsigned char *p, unsigned long long off, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long long x = off + i;
		p[i] = (unsigned char)((x * 131) ^ (x >> 11) ^ (x >> 23));
	}
}

static void quarter_gib_attachment_streams_in_and_out(void **state)
{
	unsigned long long size = big_size(), at = 0;
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "big.db");
	unsigned char *buf = malloc(PIECE), *want = malloc(PIECE);
	unsigned char sha[32];
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach_info info;
	struct ccm_store_message m = { 0 };
	struct ccm_recipient r = { 0 };
	struct ccm_store_attach *a;
	struct ccm_store_blob *b;
	struct ccm_sha256 h;
	struct ccm_store *s;
	struct ccm_error err;
	long long mb, folder, n;

	(void)state;
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_CREATE, &err), 0);
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "jsmith";
	r.display_name = "John Smith";
	assert_int_equal(ccm_store_begin(s, &err), 0);
	assert_int_equal(ccm_store_recipient_create(s, &r, &mb, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(s, mb, "Inbox", &folder, &err), 0);
	m.folder_id = folder;
	m.subject = "the big one";
	assert_int_equal(ccm_store_message_add(s, &m, &meta.message_id, &err), 0);
	meta.name = "BACKUP.ZIP";
	meta.size = size;
	assert_int_equal(ccm_store_attach_begin(&a, s, &meta, &err), 0);
	ccm_sha256_init(&h);
	for (at = 0; at < size; at += PIECE) {
		size_t k = size - at < PIECE ? (size_t)(size - at) : PIECE;
		fill(buf, at, k);
		ccm_sha256_update(&h, buf, k);
		assert_int_equal(ccm_store_attach_write(a, buf, k, &err), 0);
	}
	ccm_sha256_final(sha, &h);
	assert_int_equal(ccm_store_attach_finish(a, &info, &err), 0);
	assert_int_equal(ccm_store_commit(s, &err), 0);
	assert_int_equal(info.size, size);
	assert_memory_equal(info.sha256, sha, 32);

	assert_int_equal(ccm_store_blob_open(&b, s, info.blob_id, NULL, &err), 0);
	assert_int_equal(ccm_store_blob_size(b), size);
	at = 0;
	while ((n = ccm_store_blob_read(b, buf, PIECE, &err)) > 0) {
		fill(want, at, (size_t)n);
		if (memcmp(buf, want, (size_t)n))
			fail_msg("byte mismatch near offset %llu", at);
		at += (unsigned long long)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(at, size);
	ccm_store_blob_close(b);
	ccm_store_close(s);
	free(buf);
	free(want);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void peak_memory_stays_well_under_64_mib(void **state)
{
	struct rusage ru;

	(void)state;
	if (UNDER_SANITIZER)
		skip();
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	/* ru_maxrss is in KiB on Linux and covers the write and the read. */
	printf("peak RSS %ld KiB for a %llu-byte attachment\n", ru.ru_maxrss, big_size());
	assert_true(ru.ru_maxrss < RSS_LIMIT_KIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quarter_gib_attachment_streams_in_and_out),
		cmocka_unit_test(peak_memory_stays_well_under_64_mib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
