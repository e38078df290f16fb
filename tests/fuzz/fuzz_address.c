/* fuzz_address.c: cc:Mail addresses, address lists and names
 * (ccmail/address.h, ccmail/names.h).
 *
 * Input: one option byte (whether the directory, the home and the
 * sender's post office are known), then the text of an address or a
 * To: list.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/address.h"
#include "ccmail/names.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_addr(const struct ccm_addr *a)
{
	FUZZ_CHECK(a->name != NULL && a->raw != NULL);
	FUZZ_CHECK(ccm_addr_kind_name(a->kind) != NULL);
	FUZZ_CHECK(a->kind == CCM_ADDR_FOREIGN || a->kind == CCM_ADDR_EXTENDED ||
		   (a->ftype == NULL && (a->faddr == NULL)));
}

/* ccm_addr_format promises text that parses back to the same address. */
static void check_format(const struct ccm_addr *a, const struct ccm_directory *dir,
			 const char *home, const char *sender)
{
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_addr b;

	ccm_addr_format(&text, a);
	FUZZ_CHECK(ccm_addr_parse(&b, text.ptr, text.len, dir, home, sender) == 0);
	FUZZ_CHECK(b.kind == a->kind);
	FUZZ_CHECK(same(b.name, a->name));
	FUZZ_CHECK(same(b.ftype, a->ftype));
	FUZZ_CHECK(same(b.faddr, a->faddr));
	if (a->po) {
		FUZZ_CHECK(same(b.po, a->po));
		FUZZ_CHECK(!b.po_implied);
	}
	ccm_addr_release(&b);
	ccm_buf_release(&text);
}

static void check_alias(const struct ccm_buf *alias)
{
	FUZZ_CHECK(alias->len >= 1 && alias->len <= 20);
	for (size_t i = 0; i < alias->len; i++) {
		char c = alias->ptr[i];

		FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '.' || c == '-' || c == '_');
	}
}

static void names(const char *s)
{
	struct ccm_buf first = CCM_BUF_INIT, last = CCM_BUF_INIT, out = CCM_BUF_INIT;

	ccm_name_split(s, &first, &last);
	ccm_name_display(&out, s);
	ccm_buf_reset(&out);
	ccm_ascii_fold(&out, s);
	for (size_t i = 0; i < out.len; i++)
		FUZZ_CHECK((unsigned char)out.ptr[i] < 0x80);
	ccm_alias_clean(&out, s, "user");
	check_alias(&out);
	ccm_name_alias(&out, s, s);
	check_alias(&out);
	ccm_name_alias(&out, s, NULL);
	check_alias(&out);
	ccm_buf_release(&first);
	ccm_buf_release(&last);
	ccm_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned opt = fuzz_byte(&data, &size);
	const struct ccm_directory *dir = opt & 1 ? fuzz_directory() : NULL;
	const char *home = opt & 2 ? "SALESPO" : NULL;
	const char *sender = opt & 4 ? "HUB" : NULL;
	const char *s = (const char *)data;
	int has_nul = memchr(s, '\0', size) != NULL;
	struct ccm_addrlist list = { 0 };
	struct ccm_addr a;
	char *text;

	FUZZ_CHECK(ccm_addr_parse(&a, s, size, dir, home, sender) == 0);
	check_addr(&a);
	/* Text with a NUL byte cannot be formatted back whole (C strings);
	 * readers remove NUL bytes before addresses are parsed. */
	if (!has_nul)
		check_format(&a, dir, home, sender);
	ccm_addr_release(&a);

	FUZZ_CHECK(ccm_addrlist_parse(&list, s, size, dir, home, sender) == 0);
	FUZZ_CHECK(list.len <= size / 2 + 1);
	for (size_t i = 0; i < list.len; i++) {
		check_addr(&list.v[i]);
		if (!has_nul)
			check_format(&list.v[i], dir, home, sender);
	}
	ccm_addrlist_release(&list);

	if (!(text = malloc(size + 1)))
		abort();
	memcpy(text, s, size);
	text[size] = '\0';
	names(text);
	free(text);
	return 0;
}
