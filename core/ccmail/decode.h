/* decode.h: attachment encodings of cc:Mail export: MacBinary II and hex. */
#ifndef CCM_DECODE_H
#define CCM_DECODE_H

#include <stddef.h>

/* CRC-16/XMODEM (poly 0x1021, init 0), as MacBinary II uses it. */
unsigned ccm_crc16_xmodem(const unsigned char *p, size_t n);

/* The fields of a MacBinary II header that ccmig keeps. */
struct ccm_macbin {
	char name[64];           /* the Mac file name, NUL-terminated */
	char type[5], creator[5];
	unsigned long dfork;     /* data fork length */
	unsigned long rfork;     /* resource fork length */
};

/*
 * Parses a 128-byte header. Returns 0 when it is a valid MacBinary II
 * header (byte 0 and 74 zero, name length 1..63, byte 122 = 129, the CRC
 * of bytes 0..123 at 124..125), CCM_EMALFORMED otherwise.
 */
int ccm_macbin_parse(struct ccm_macbin *out, const unsigned char hdr[128]);

/* Bytes a MacBinary file takes for the given forks (each padded to 128). */
unsigned long long ccm_macbin_total(unsigned long dfork, unsigned long rfork);

/* Hex decoding in pieces: pairs of hex digits, white space and line ends
 * between them ignored. */
struct ccm_hexdec {
	int half;                /* a pending high nibble, or -1 */
	unsigned long bad;       /* characters that were not hex digits */
	long long first_bad;     /* index in the input stream of the first, -1 */
	long long seen;          /* input characters consumed so far */
};

void ccm_hexdec_init(struct ccm_hexdec *d);
/*
 * Decodes n input characters into out, which must hold n / 2 + 1 bytes.
 * Returns the bytes written. A dangling half byte at the very end is
 * counted as bad by ccm_hexdec_finish().
 */
size_t ccm_hexdec_run(unsigned char *out, struct ccm_hexdec *d,
		      const char *in, size_t n);
void ccm_hexdec_finish(struct ccm_hexdec *d);

#endif
