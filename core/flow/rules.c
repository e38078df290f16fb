/* rules.c: the display name and alias rules of directory synchronisation (Q183058). */
#include "flow/dirsync.h"

#include <ctype.h>
#include <string.h>

#include "ccmail/names.h"

int ccm_dirsync_rule_check(const char *rule, struct ccm_error *err)
{
	for (const char *p = rule; p && *p; p++) {
		const char *start = p;

		if (*p != '%')
			continue;
		p++;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '%' && p == start + 1)
			continue;
		if (*p != 'F' && *p != 'L' && *p != 'I')
			return ccm_error_set(err, CCM_EINVAL,
					     "bad token '%.*s' at character %d of "
					     "rule '%s': use %%F, %%L, %%I (first name, "
					     "last name, initials), %%nF for the first "
					     "n characters, %%%% for '%%'",
					     (int)(p - start) + (*p ? 1 : 0), start,
					     (int)(start - rule) + 1, rule);
	}
	return 0;
}

/* Appends at most n UTF-8 characters of s (all when n is 0). */
static void add_chars(struct ccm_buf *out, const char *s, unsigned long n)
{
	size_t len = 0;
	unsigned long chars = 0;

	while (s[len] && (n == 0 || chars < n)) {
		len++;
		while ((s[len] & 0xC0) == 0x80)
			len++;
		chars++;
	}
	ccm_buf_add(out, s, len);
}

/* The first letters of the words after the first of the first name. */
static void middle_initials(const char *first, struct ccm_buf *out)
{
	const char *p = strchr(first, ' ');

	ccm_buf_reset(out);
	while (p && *p) {
		while (*p == ' ')
			p++;
		if (*p)
			add_chars(out, p, 1);
		p = strchr(p, ' ');
	}
	/* "Q." gives "Q": the dot belongs to the name, not the initial. */
}

/* Expands rule for name into out, trimmed, runs of spaces made one. */
static void expand(const char *rule, const char *name, struct ccm_buf *out)
{
	struct ccm_buf first = CCM_BUF_INIT, last = CCM_BUF_INIT, ini = CCM_BUF_INIT;
	struct ccm_buf raw = CCM_BUF_INIT;

	ccm_name_split(name, &first, &last);
	middle_initials(first.ptr, &ini);
	for (const char *p = rule; *p; p++) {
		unsigned long n = 0;
		const char *q = p + 1;

		if (*p != '%') {
			ccm_buf_addch(&raw, *p);
			continue;
		}
		if (*q == '%') {
			ccm_buf_addch(&raw, '%');
			p = q;
			continue;
		}
		while (isdigit((unsigned char)*q))
			n = n * 10 + (unsigned long)(*q++ - '0');
		if (*q == 'F')
			add_chars(&raw, first.ptr, n);
		else if (*q == 'L')
			add_chars(&raw, last.ptr, n);
		else if (*q == 'I')
			add_chars(&raw, ini.ptr, n);
		else {
			ccm_buf_addch(&raw, '%');   /* checked before: keep it */
			continue;
		}
		p = q;
	}
	ccm_buf_reset(out);
	for (size_t i = 0; i < raw.len; i++) {
		if (raw.ptr[i] == ' ' && (out->len == 0 || out->ptr[out->len - 1] == ' '))
			continue;
		ccm_buf_addch(out, raw.ptr[i]);
	}
	/* "%L, %F" for a user with no first name ("Admin") is "Admin", not
	 * "Admin,": separators left hanging at either end go. */
	while (out->len && strchr(" ,;", out->ptr[out->len - 1]))
		ccm_buf_truncate(out, out->len - 1);
	if (out->len && strchr(",;", out->ptr[0])) {
		size_t k = strspn(out->ptr, " ,;");
		memmove(out->ptr, out->ptr + k, out->len - k + 1);
		out->len -= k;
	}
	ccm_buf_release(&first);
	ccm_buf_release(&last);
	ccm_buf_release(&ini);
	ccm_buf_release(&raw);
}

void ccm_dirsync_display(struct ccm_buf *out, const char *rule, const char *name)
{
	if (!rule) {
		ccm_name_display(out, name);
		return;
	}
	expand(rule, name, out);
	if (out->len == 0)
		ccm_buf_set(out, name, strlen(name));
}

void ccm_dirsync_alias(struct ccm_buf *out, const char *rule, const char *name,
		       const char *comments)
{
	struct ccm_buf raw = CCM_BUF_INIT;

	if (!rule) {
		ccm_name_alias(out, name, comments);
		return;
	}
	expand(rule, name, &raw);
	ccm_alias_clean(out, raw.ptr, "user");
	ccm_buf_release(&raw);
}
