/* test_sha256.c: SHA-256 against the FIPS 180-4 example vectors. */
#include "testutil.h"

#include <string.h>

#include "base/sha256.h"

static void hash_hex(const void *data, size_t len, char out[65])
{
	struct ccm_sha256 s;
	unsigned char d[32];

	ccm_sha256_init(&s);
	ccm_sha256_update(&s, data, len);
	ccm_sha256_final(d, &s);
	ccm_sha256_hex(out, d);
}

static void abc_matches_fips_vector(void **state)
{
	char hex[65];

	(void)state;
	hash_hex("abc", 3, hex);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void empty_input_matches_fips_vector(void **state)
{
	char hex[65];

	(void)state;
	hash_hex(NULL, 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void two_block_message_matches_fips_vector(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];

	(void)state;
	assert_int_equal(strlen(m), 56);
	hash_hex(m, 56, hex);
	assert_string_equal(hex,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void million_a_matches_fips_vector(void **state)
{
	struct ccm_sha256 s;
	unsigned char d[32], chunk[1000];
	char hex[65];
	int i;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	ccm_sha256_init(&s);
	for (i = 0; i < 1000; i++)
		ccm_sha256_update(&s, chunk, sizeof(chunk));
	ccm_sha256_final(d, &s);
	ccm_sha256_hex(hex, d);
	assert_string_equal(hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void pieces_of_any_size_give_the_same_digest(void **state)
{
	unsigned char data[300], whole[32], part[32];
	struct ccm_sha256 s;
	size_t step, i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 1);
	ccm_sha256_init(&s);
	ccm_sha256_update(&s, data, sizeof(data));
	ccm_sha256_final(whole, &s);
	for (step = 1; step <= 130; step++) {
		ccm_sha256_init(&s);
		for (i = 0; i < sizeof(data); i += step)
			ccm_sha256_update(&s, data + i,
					  sizeof(data) - i < step ? sizeof(data) - i : step);
		ccm_sha256_update(&s, NULL, 0);
		ccm_sha256_final(part, &s);
		assert_memory_equal(whole, part, 32);
	}
}

static void padding_boundaries_55_56_64_bytes(void **state)
{
	/* Lengths where the length field does or does not fit the last block. */
	static const struct { size_t n; const char *hex; } v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	char buf[64], hex[65];
	size_t i;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hash_hex(buf, v[i].n, hex);
		assert_string_equal(hex, v[i].hex);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abc_matches_fips_vector),
		cmocka_unit_test(empty_input_matches_fips_vector),
		cmocka_unit_test(two_block_message_matches_fips_vector),
		cmocka_unit_test(million_a_matches_fips_vector),
		cmocka_unit_test(pieces_of_any_size_give_the_same_digest),
		cmocka_unit_test(padding_boundaries_55_56_64_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
