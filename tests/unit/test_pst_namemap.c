/* test_pst_namemap.c: named properties and the streams and buckets of a PST's name-to-id map. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "pst/crc.h"
#include "pst/namemap.h"

/* Ids in the order first named; the same name again, the same id. */
static void ids_count_up_and_repeat(void **state)
{
	struct ccm_pst_namemap m;

	(void)state;
	ccm_pst_namemap_init(&m);
	assert_int_equal(ccm_pst_namemap_lid(&m, ccm_pst_psetid_address, 0x8083), 0x8000);
	assert_int_equal(ccm_pst_namemap_name(&m, ccm_pst_ps_public_strings, "Keywords"), 0x8001);
	assert_int_equal(ccm_pst_namemap_lid(&m, ccm_pst_ps_mapi, 0x1234), 0x8002);
	assert_int_equal(ccm_pst_namemap_lid(&m, ccm_pst_psetid_common, 0x8501), 0x8003);
	assert_int_equal(ccm_pst_namemap_name(&m, ccm_pst_psetid_address, "Ab"), 0x8004);
	assert_int_equal(ccm_pst_namemap_lid(&m, ccm_pst_psetid_address, 0x8083), 0x8000);
	assert_int_equal(ccm_pst_namemap_name(&m, ccm_pst_ps_public_strings, "Keywords"), 0x8001);
	/* Same number, other set: another property. */
	assert_int_equal(ccm_pst_namemap_lid(&m, ccm_pst_psetid_common, 0x8083), 0x8005);
	assert_int_equal(m.n, 6);
	ccm_pst_namemap_release(&m);
}

/* The three streams as [MS-PST] 2.4.7 lays them out. */
static void streams_are_laid_out_as_the_spec_says(void **state)
{
	static const unsigned char entries[] = {
		0x83, 0x80, 0, 0, 0x06, 0, 0, 0,    /* LID, GUID 3 (stream 0) << 1, idx 0 */
		0, 0, 0, 0, 0x05, 0, 1, 0,          /* string at 0, PS_PUBLIC_STRINGS << 1 | 1 */
		0x34, 0x12, 0, 0, 0x02, 0, 2, 0,    /* PS_MAPI << 1 */
		0x01, 0x85, 0, 0, 0x08, 0, 3, 0,    /* GUID 4 (stream 1) */
		20, 0, 0, 0, 0x07, 0, 4, 0,         /* string at 20 */
	};
	static const unsigned char strings[] = {
		16, 0, 0, 0, 'K', 0, 'e', 0, 'y', 0, 'w', 0, 'o', 0, 'r', 0, 'd', 0, 's', 0,
		4, 0, 0, 0, 'A', 0, 'b', 0,
	};
	struct ccm_pst_namemap m;

	(void)state;
	ccm_pst_namemap_init(&m);
	ccm_pst_namemap_lid(&m, ccm_pst_psetid_address, 0x8083);
	ccm_pst_namemap_name(&m, ccm_pst_ps_public_strings, "Keywords");
	ccm_pst_namemap_lid(&m, ccm_pst_ps_mapi, 0x1234);
	ccm_pst_namemap_lid(&m, ccm_pst_psetid_common, 0x8501);
	ccm_pst_namemap_name(&m, ccm_pst_psetid_address, "Ab");
	assert_int_equal(m.guids.len, 32);
	assert_memory_equal(m.guids.ptr, ccm_pst_psetid_address, 16);
	assert_memory_equal(m.guids.ptr + 16, ccm_pst_psetid_common, 16);
	assert_int_equal(m.entries.len, sizeof(entries));
	assert_memory_equal(m.entries.ptr, entries, sizeof(entries));
	assert_int_equal(m.strings.len, sizeof(strings));
	assert_memory_equal(m.strings.ptr, strings, sizeof(strings));
	ccm_pst_namemap_release(&m);
}

/* Every NAMEID in the bucket its hash names, a string's by its CRC. */
static void buckets_hold_each_nameid_once(void **state)
{
	struct ccm_pst_namemap m;
	struct ccm_pst_prop *v;
	struct ccm_buf hold = CCM_BUF_INIT;
	size_t n, total = 0;
	const unsigned char kw[] = { 'K', 0, 'e', 0, 'y', 0, 'w', 0, 'o', 0, 'r', 0, 'd', 0, 's', 0 };
	uint32_t crc = ccm_pst_crc(0, kw, sizeof(kw));
	unsigned char want_kw[8] = { (unsigned char)crc, (unsigned char)(crc >> 8),
				     (unsigned char)(crc >> 16), (unsigned char)(crc >> 24),
				     0x05, 0, 1, 0 };
	static const unsigned char want_lid[8] = { 0x83, 0x80, 0, 0, 0x06, 0, 0, 0 };

	(void)state;
	ccm_pst_namemap_init(&m);
	ccm_pst_namemap_lid(&m, ccm_pst_psetid_address, 0x8083);
	ccm_pst_namemap_name(&m, ccm_pst_ps_public_strings, "Keywords");
	assert_int_equal(ccm_pst_namemap_props(&v, &n, &hold, &m, NULL), 0);
	assert_int_equal(n, 4 + CCM_PST_NAMEMAP_BUCKETS);
	assert_int_equal(v[0].id, 0x0001);
	assert_int_equal(v[0].type, CCM_PST_PT_LONG);
	assert_int_equal(((const unsigned char *)v[0].p)[0], 251);
	assert_int_equal(v[2].id, 0x0003);
	assert_int_equal(v[2].n, 16);
	for (size_t k = 4; k < n; k++) {
		uint32_t b = v[k].id - 0x1000u;

		assert_int_equal(v[k].type, CCM_PST_PT_BINARY);
		total += v[k].n;
		if (b == (0x8083u ^ 6) % 251) {
			assert_int_equal(v[k].n, 8);
			assert_memory_equal(v[k].p, want_lid, 8);
		} else if (b == (crc ^ 5) % 251) {
			assert_int_equal(v[k].n, 8);
			assert_memory_equal(v[k].p, want_kw, 8);
		} else {
			assert_int_equal(v[k].n, 0);
		}
	}
	assert_int_equal(total, 16);
	free(v);
	ccm_buf_release(&hold);
	ccm_pst_namemap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_count_up_and_repeat),
		cmocka_unit_test(streams_are_laid_out_as_the_spec_says),
		cmocka_unit_test(buckets_hold_each_nameid_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
