/* crc.c: the checksum and the signature of [MS-PST] pages, blocks and header. */
#include "pst/crc.h"

#include <pthread.h>

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Slicing by eight: the table the specification prints, and seven more
 * derived from it, so that eight bytes go through at a time. */
static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[0][i] = c;
	}
	for (int t = 1; t < 8; t++)
		for (uint32_t i = 0; i < 256; i++)
			table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xFF];
}

uint32_t ccm_pst_crc(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *s = p;

	pthread_once(&table_once, make_table);
	while (n >= 8) {
		uint32_t lo = crc ^ ((uint32_t)s[0] | (uint32_t)s[1] << 8 |
				     (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24);
		crc = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^
		      table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
		      table[3][s[4]] ^ table[2][s[5]] ^ table[1][s[6]] ^ table[0][s[7]];
		s += 8;
		n -= 8;
	}
	while (n--)
		crc = table[0][(crc ^ *s++) & 0xFF] ^ (crc >> 8);
	return crc;
}

uint16_t ccm_pst_sig(uint64_t ib, uint64_t bid)
{
	uint32_t v = (uint32_t)ib ^ (uint32_t)bid;

	return (uint16_t)((v >> 16) ^ v);
}
