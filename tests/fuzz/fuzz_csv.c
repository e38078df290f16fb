/* fuzz_csv.c: the CSV of migration files (iff/csv.h): lines, multi-valued
 * fields and pointers, read and written back.
 *
 * Input: one option byte (DIRECTORY escapes or not), then one logical
 * line. Whatever splits is written again with the writer and must read
 * back to the same values.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "iff/csv.h"

static int has_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]))
			return 1;
	return 0;
}

static void check_pointer(const char *s, size_t len)
{
	char name[64];
	long long off;

	if (ccm_csv_parse_pointer(s, len, name, sizeof(name), &off) != 0)
		return;
	/* A bare file name: nothing that could leave the set's folder. */
	FUZZ_CHECK(name[0] != '\0' && off >= 0);
	FUZZ_CHECK(!strpbrk(name, "/\\#();,:*?\"<>|") && !strstr(name, ".."));
	FUZZ_CHECK(strcmp(name, ".") != 0);
}

/* Every value written back with put_field reads back the same. */
static void round_trip(const struct ccm_csv_line *l, int directory)
{
	struct ccm_buf out = CCM_BUF_INIT;
	struct ccm_csv_line back;
	size_t bad;

	for (size_t i = 0; i < l->n; i++)
		if (!directory && has_any(l->f[i].value, l->f[i].len, "\r\n"))
			return;
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			ccm_buf_addch(&out, ',');
		FUZZ_CHECK(ccm_csv_put_field(&out, l->f[i].value, l->f[i].len,
					     directory ? CCM_CSV_DIRECTORY : 0) == 0);
	}
	ccm_csv_line_init(&back);
	FUZZ_CHECK(ccm_csv_split(&back, out.ptr, out.len, directory, &bad) ==
		   (int)l->n);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(back.f[i].len == l->f[i].len);
		FUZZ_CHECK(memcmp(back.f[i].value, l->f[i].value, l->f[i].len) == 0);
	}
	ccm_csv_line_release(&back);
	ccm_buf_release(&out);
}

/* Values written with put_multi split back to the same, empty ones left out. */
static void multi_round_trip(const struct ccm_csv_line *vals)
{
	const char **v = malloc((vals->n + 1) * sizeof(*v));
	struct ccm_buf out = CCM_BUF_INIT;
	struct ccm_csv_line back;
	size_t k = 0;

	if (!v)
		abort();
	for (size_t i = 0; i < vals->n; i++) {
		if (has_any(vals->f[i].value, vals->f[i].len, "\r\n")) {
			free(v);
			return;
		}
		v[i] = vals->f[i].value;
	}
	FUZZ_CHECK(ccm_csv_put_multi(&out, v, vals->n, 0) == 0);
	ccm_csv_line_init(&back);
	FUZZ_CHECK(ccm_csv_split_multi(&back, out.ptr, out.len) >= 0);
	for (size_t i = 0; i < vals->n; i++) {
		if (vals->f[i].len == 0)
			continue;
		FUZZ_CHECK(k < back.n);
		FUZZ_CHECK(strcmp(back.f[k].value, v[i]) == 0);
		k++;
	}
	FUZZ_CHECK(k == back.n);
	ccm_csv_line_release(&back);
	ccm_buf_release(&out);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int directory = fuzz_byte(&data, &size) & 1;
	const char *line = (const char *)data;
	struct ccm_csv_line l, multi;
	size_t bad = (size_t)-1;
	int n;

	ccm_csv_line_init(&l);
	ccm_csv_line_init(&multi);
	n = ccm_csv_split(&l, line, size, directory, &bad);
	if (n < 0) {
		FUZZ_CHECK(n == CCM_EMALFORMED && bad <= size);
		goto out;
	}
	FUZZ_CHECK((size_t)n == l.n && n >= 1);
	for (size_t i = 0; i < l.n; i++) {
		const struct ccm_csv_field *f = &l.f[i];
		size_t rlen;
		const char *raw = ccm_csv_field_raw(&l, i, line, size, &rlen);
		int m;

		FUZZ_CHECK(f->value[f->len] == '\0');
		FUZZ_CHECK(f->len <= rlen && raw >= line && raw + rlen <= line + size);
		FUZZ_CHECK(f->column == (size_t)(raw - line));
		check_pointer(f->value, f->len);
		ccm_csv_line_init(&multi);
		m = ccm_csv_split_multi(&multi, raw, rlen);
		FUZZ_CHECK(m == CCM_EMALFORMED || (m >= 0 && (size_t)m == multi.n));
		for (size_t k = 0; m > 0 && k < multi.n; k++) {
			FUZZ_CHECK(multi.f[k].len > 0);
			if (directory)
				multi.f[k].len = ccm_csv_unescape_directory(
					multi.f[k].value, multi.f[k].len);
		}
		if (m > 0 && !directory)
			multi_round_trip(&multi);
		ccm_csv_line_release(&multi);
	}
	round_trip(&l, directory);
out:
	ccm_csv_line_release(&l);
	ccm_csv_line_release(&multi);
	return 0;
}
