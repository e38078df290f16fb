/* fuzz_decode.c: the attachment encodings of cc:Mail export: MacBinary II
 * headers and hex (ccmail/decode.h).
 *
 * Input: one option byte (the piece size the hex decoder is fed in),
 * then the bytes: read as a MacBinary II header when there are 128 of
 * them, and as hex text in any case.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "ccmail/decode.h"

static void macbinary(const uint8_t *data, size_t size)
{
	struct ccm_macbin mb;

	if (size < 128 || ccm_macbin_parse(&mb, data) != 0)
		return;
	FUZZ_CHECK(data[1] >= 1 && data[1] <= 63);
	FUZZ_CHECK(strlen(mb.name) <= data[1]);
	FUZZ_CHECK(memcmp(mb.type, data + 65, 4) == 0 && mb.type[4] == '\0');
	FUZZ_CHECK(memcmp(mb.creator, data + 69, 4) == 0 && mb.creator[4] == '\0');
	FUZZ_CHECK(ccm_macbin_total(mb.dfork, mb.rfork) >=
		   128ULL + mb.dfork + mb.rfork);
	FUZZ_CHECK(ccm_macbin_total(mb.dfork, mb.rfork) % 128 == 0);
}

/* Decodes the whole input at once and again in pieces of `piece` bytes:
 * a stream must decode the same however it is cut. */
static void hex(const uint8_t *data, size_t size, size_t piece)
{
	unsigned char *one = malloc(size / 2 + 1), *cut = malloc(size / 2 + 1);
	struct ccm_hexdec a, b;
	size_t na, nb = 0, bad = 0;

	if (!one || !cut)
		abort();
	ccm_hexdec_init(&a);
	na = ccm_hexdec_run(one, &a, (const char *)data, size);
	ccm_hexdec_finish(&a);

	ccm_hexdec_init(&b);
	for (size_t at = 0; at < size; at += piece) {
		size_t n = size - at < piece ? size - at : piece;

		nb += ccm_hexdec_run(cut + nb, &b, (const char *)data + at, n);
		FUZZ_CHECK(nb <= size / 2);
	}
	ccm_hexdec_finish(&b);

	FUZZ_CHECK(na == nb && memcmp(one, cut, na) == 0);
	FUZZ_CHECK(a.bad == b.bad && a.first_bad == b.first_bad);
	FUZZ_CHECK(a.seen == (long long)size && b.seen == (long long)size);
	FUZZ_CHECK((a.bad == 0) == (a.first_bad == -1));
	FUZZ_CHECK(a.first_bad <= (long long)size);
	for (size_t i = 0; i < size; i++)
		if (!strchr("0123456789abcdefABCDEF \t\r\n", data[i]) || data[i] == 0)
			bad++;
	FUZZ_CHECK(a.bad >= bad && a.bad <= bad + 1);
	free(one);
	free(cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned opt = fuzz_byte(&data, &size);

	macbinary(data, size);
	hex(data, size, opt % 64 + 1);
	return 0;
}
