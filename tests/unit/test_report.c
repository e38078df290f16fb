/* test_report.c: report entries as one line each. */
#include "testutil.h"

#include <string.h>

#include "base/report.h"

/* A name from po.txt that holds terminal escapes is shown, not obeyed. */
static void control_characters_are_shown_not_sent(void **state)
{
	struct ccm_diag d = { CCM_WARNING, "bad-name", 0, "po.txt", 3, 42, NULL, 0,
			      "name 'A\x1b]0;pwned\x07" "B\x1b[2J\xc2\x9b" "C\tD\x7f' is odd" };
	char line[256];

	(void)state;
	ccm_diag_format(line, sizeof(line), &d);
	assert_string_equal(line, "po.txt:3 (byte 42): warning: name "
			    "'A\\x1b]0;pwned\\x07B\\x1b[2J\\u009bC\tD\\x7f' is odd [bad-name]");
	for (const char *p = line; *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\t');
}

/* Accented text (UTF-8 past U+009F) is left as it is, and a line longer
 * than the room is cut, still a string. */
static void text_is_kept_and_cut_to_the_room(void **state)
{
	struct ccm_diag d = { CCM_NOTE, NULL, 0, NULL, 0, -1, NULL, 0, "M\xc3\xbcller \xc2\xa0ok" };
	char line[64], small[12];

	(void)state;
	ccm_diag_format(line, sizeof(line), &d);
	assert_string_equal(line, "note: M\xc3\xbcller \xc2\xa0ok");
	ccm_diag_format(small, sizeof(small), &d);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(strncmp(small, "note: ", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_characters_are_shown_not_sent),
		cmocka_unit_test(text_is_kept_and_cut_to_the_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
