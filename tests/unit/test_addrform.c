/* test_addrform.c: iff/addrform.h, the one written form of a sender or recipient. */
#include "testutil.h"

#include <string.h>

#include "iff/addrform.h"

/* Parses `text` (no directory, home post office SALESPO), writes it and
 * splits the form; checks all three. */
static void check(const char *text, const char *form, const char *display,
		  const char *address)
{
	struct ccm_addr a;
	struct ccm_buf b = CCM_BUF_INIT, f = CCM_BUF_INIT;
	const char *d, *ad;

	assert_int_equal(ccm_addr_parse(&a, text, strlen(text), NULL, "SALESPO", NULL), 0);
	ccm_addrform_write(&b, &a, NULL);
	assert_string_equal(b.ptr, form);
	ccm_addrform_split(b.ptr, &d, &ad);
	assert_string_equal(d, display);
	if (address)
		assert_string_equal(ad, address);
	else
		assert_null(ad);
	/* What the store keeps of a forwarded message's address is the same. */
	ccm_addrform_fields(&f, &d, &ad, &a);
	assert_string_equal(d, display);
	if (address)
		assert_string_equal(ad, address);
	ccm_addr_release(&a);
	ccm_buf_release(&b);
	ccm_buf_release(&f);
}

static void each_kind_has_one_form(void **state)
{
	(void)state;
	check("Smith, John at SALESPO", "Smith, John [CCMAIL:Smith, John at SALESPO]",
	      "Smith, John", "CCMAIL:Smith, John at SALESPO");
	check("jdoe@example.com", "jdoe@example.com [SMTP:jdoe@example.com]",
	      "jdoe@example.com", "SMTP:jdoe@example.com");
	check("#Social at SALESPO", "#Social [CCMAIL:#Social at SALESPO]",
	      "#Social", "CCMAIL:#Social at SALESPO");
}

static void split_takes_the_last_brackets_and_keeps_plain_text(void **state)
{
	char a[] = "Team [Sales] [SMTP:team@example.com]";
	char b[] = "John Smith";
	char c[] = "[SMTP:x@y]";
	char d[] = "Odd [no colon]";
	const char *disp, *addr;

	(void)state;
	ccm_addrform_split(a, &disp, &addr);
	assert_string_equal(disp, "Team [Sales]");
	assert_string_equal(addr, "SMTP:team@example.com");
	ccm_addrform_split(b, &disp, &addr);
	assert_string_equal(disp, "John Smith");
	assert_null(addr);
	ccm_addrform_split(c, &disp, &addr);      /* no display: the address */
	assert_string_equal(disp, "SMTP:x@y");
	assert_string_equal(addr, "SMTP:x@y");
	ccm_addrform_split(d, &disp, &addr);
	assert_string_equal(disp, "Odd [no colon]");
	assert_null(addr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_kind_has_one_form),
		cmocka_unit_test(split_takes_the_last_brackets_and_keeps_plain_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
