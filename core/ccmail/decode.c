/* decode.c: MacBinary II headers and hex decoding. */
#include "ccmail/decode.h"
#include "base/error.h"

#include <string.h>

unsigned ccm_crc16_xmodem(const unsigned char *p, size_t n)
{
	unsigned crc = 0;

	while (n--) {
		crc ^= (unsigned)*p++ << 8;
		for (int i = 0; i < 8; i++)
			crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff
					     : (crc << 1) & 0xffff;
	}
	return crc;
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

int ccm_macbin_parse(struct ccm_macbin *out, const unsigned char hdr[128])
{
	unsigned crc = (unsigned)hdr[124] << 8 | hdr[125];

	if (hdr[0] != 0 || hdr[74] != 0 || hdr[1] < 1 || hdr[1] > 63 ||
	    hdr[122] != 129 || ccm_crc16_xmodem(hdr, 124) != crc)
		return CCM_EMALFORMED;
	memcpy(out->name, hdr + 2, hdr[1]);
	out->name[hdr[1]] = '\0';
	memcpy(out->type, hdr + 65, 4);
	out->type[4] = '\0';
	memcpy(out->creator, hdr + 69, 4);
	out->creator[4] = '\0';
	out->dfork = be32(hdr + 83);
	out->rfork = be32(hdr + 87);
	return 0;
}

unsigned long long ccm_macbin_total(unsigned long dfork, unsigned long rfork)
{
	return 128 + ((dfork + 127ULL) / 128) * 128 + ((rfork + 127ULL) / 128) * 128;
}

void ccm_hexdec_init(struct ccm_hexdec *d)
{
	d->half = -1;
	d->bad = 0;
	d->first_bad = -1;
	d->seen = 0;
}

/* 0..15 for hex digits, 16 for white space, 17 for anything else. */
static const unsigned char hexval[256] = {
	['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5,
	['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
	['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
	['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15,
};

static int classify(unsigned char c)
{
	if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
		return 16;
	if (hexval[c] || c == '0')
		return hexval[c];
	return 17;
}

size_t ccm_hexdec_run(unsigned char *out, struct ccm_hexdec *d,
		      const char *in, size_t n)
{
	size_t o = 0;
	int half = d->half;

	for (size_t i = 0; i < n; i++) {
		int v = classify((unsigned char)in[i]);

		if (v < 16) {
			if (half < 0) {
				half = v;
			} else {
				out[o++] = (unsigned char)(half << 4 | v);
				half = -1;
			}
		} else if (v == 17) {
			if (!d->bad++)
				d->first_bad = d->seen + (long long)i;
		}
	}
	d->half = half;
	d->seen += (long long)n;
	return o;
}

void ccm_hexdec_finish(struct ccm_hexdec *d)
{
	if (d->half >= 0) {
		if (!d->bad++)
			d->first_bad = d->seen;
		d->half = -1;
	}
}
