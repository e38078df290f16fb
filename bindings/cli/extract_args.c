/* extract_args.c: the options `extract` and `migrate` share. */
#include "extract_args.h"
#include "base/date.h"
#include "base/tz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ccm_extract_args_usage(FILE *out)
{
	fprintf(out,
		"  --code-page N         code page of the migration files (default: the\n"
		"                        Windows code page of the post office's script)\n"
		"  --no-mail             make every mailbox but migrate no mail\n"
		"  --keep-r8-folders     keep the R8 client's settings folders\n"
		"  --since DATE          only mail dated on or after DATE (YYYY-MM-DD,\n"
		"                        midnight in the post office's time zone)\n"
		"  --until DATE          only mail dated before DATE\n");
}

int ccm_extract_args_take(struct ccm_extract_args *a, struct ccm_extract_opts *o,
		      const char *cmd, int argc, char **argv, int *i)
{
	const char *opt = argv[*i];
	int has_value = *i + 1 < argc;

	if (!strcmp(opt, "--no-mail")) {
		o->no_mail = 1;
		return 1;
	}
	if (!strcmp(opt, "--keep-r8-folders")) {
		o->keep_r8 = 1;
		return 1;
	}
	if (strcmp(opt, "--code-page") && strcmp(opt, "--since") && strcmp(opt, "--until"))
		return 0;
	if (!has_value) {
		fprintf(stderr, "ccmig %s: %s needs a value\n", cmd, opt);
		return -1;
	}
	(*i)++;
	if (!strcmp(opt, "--since")) {
		a->since = argv[*i];
	} else if (!strcmp(opt, "--until")) {
		a->until = argv[*i];
	} else {
		char *end;
		errno = 0;
		o->code_page = (int)strtol(argv[*i], &end, 10);
		if (*end || o->code_page <= 0 || errno) {
			fprintf(stderr, "ccmig %s: --code-page takes a number such as 1252 "
				"or 850, not '%s'\n", cmd, argv[*i]);
			return -1;
		}
	}
	return 1;
}

/* "YYYY-MM-DD" as midnight in the post office's zone, in UTC seconds. */
static int parse_day(const char *s, const struct ccm_tz *tz, long long *utc)
{
	int y, m, d, off;
	char tail;

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > ccm_days_in_month(y, m))
		return -1;
	ccm_tz_local_to_utc(tz, y, m, d, 0, 0, 0, utc, &off);
	return 0;
}

int ccm_extract_args_apply(const struct ccm_extract_args *a, const struct ccm_bundle *b,
		       struct ccm_extract_opts *o, const char *cmd)
{
	if ((a->since && parse_day(a->since, b->tz, &o->since) < 0) ||
	    (a->until && parse_day(a->until, b->tz, &o->until) < 0)) {
		fprintf(stderr, "ccmig %s: dates are YYYY-MM-DD, such as 1999-01-31, not "
			"'%s'\n", cmd, a->since && parse_day(a->since, b->tz, &o->since) < 0 ?
			a->since : a->until);
		return -1;
	}
	o->has_since = a->since != NULL;
	o->has_until = a->until != NULL;
	return 0;
}
