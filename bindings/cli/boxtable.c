/* boxtable.c: the table of mailboxes, a row per user and board, as CSV and JSON. */
#include "boxtable.h"
#include "json.h"

#include "base/buf.h"

#include <string.h>
#include <time.h>

void ccm_boxtable_date(char *out, size_t outsz, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (outsz)
		out[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm))
		strftime(out, outsz, "%Y-%m-%d", &tm);
}

static void csv_field(FILE *out, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		putc('"', out);
	if (s[0] && strchr("=+-@\t\r", s[0]))
		putc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	if (quote)
		putc('"', out);
}

/* The text columns of a row, in the order of the header. */
static void text_columns(const char *v[9], const struct ccm_store_box *b)
{
	v[0] = b->po;
	v[1] = b->kind;
	v[2] = b->name;
	v[3] = b->alias;
	v[4] = b->display_name;
	v[5] = b->folder;
	v[6] = ccm_box_status_name(b->status);
	v[7] = b->user_decision;
	v[8] = b->user_reason;
}

static const char *const text_names[9] = {
	"po", "kind", "name", "alias", "display_name", "folder", "status",
	"user_decision", "user_reason"
};
static const char *const count_names[4] = { "source", "migrated", "kept", "left_out" };
static const char *const tail_names[7] = {
	"unaccounted", "damaged", "problems", "errors", "messages", "bytes",
	"attachments"
};

static void count_columns(long long head[4], long long tail[7],
			  const struct ccm_store_box *b)
{
	head[0] = b->source;
	head[1] = b->migrated;
	head[2] = b->kept;
	head[3] = b->left_out;
	tail[0] = b->unaccounted;
	tail[1] = b->damaged;
	tail[2] = b->problems;
	tail[3] = b->errors;
	tail[4] = b->messages;
	tail[5] = b->bytes;
	tail[6] = b->attachments;
}

void ccm_boxtable_csv(FILE *out, const struct ccm_store_tally *t)
{
	for (size_t i = 0; i < 9; i++)
		fprintf(out, "%s%s", i ? "," : "", text_names[i]);
	for (size_t i = 0; i < 4; i++)
		fprintf(out, ",%s", count_names[i]);
	for (size_t i = 0; i < t->n_reasons; i++) {
		char name[512];

		snprintf(name, sizeof(name), "left_out:%s", t->reasons[i]);
		putc(',', out);
		csv_field(out, name);
	}
	for (size_t i = 0; i < 7; i++)
		fprintf(out, ",%s", tail_names[i]);
	fputs(",oldest,newest\r\n", out);
	for (size_t r = 0; r < t->n_boxes; r++) {
		const struct ccm_store_box *b = &t->boxes[r];
		const char *v[9];
		long long head[4], tail[7];
		char d[32];

		text_columns(v, b);
		count_columns(head, tail, b);
		for (size_t i = 0; i < 9; i++) {
			if (i)
				putc(',', out);
			csv_field(out, v[i]);
		}
		for (size_t i = 0; i < 4; i++)
			fprintf(out, ",%lld", head[i]);
		for (size_t i = 0; i < t->n_reasons; i++)
			fprintf(out, ",%lld", b->left_out_by[i]);
		for (size_t i = 0; i < 7; i++)
			fprintf(out, ",%lld", tail[i]);
		ccm_boxtable_date(d, sizeof(d), b->oldest);
		fprintf(out, ",%s", d);
		ccm_boxtable_date(d, sizeof(d), b->newest);
		fprintf(out, ",%s\r\n", d);
	}
}

static void json_date(FILE *out, long long t)
{
	char d[32];

	ccm_boxtable_date(d, sizeof(d), t);
	ccm_json_str(out, *d ? d : NULL);
}

void ccm_boxtable_json(FILE *out, const struct ccm_store_tally *t)
{
	putc('[', out);
	for (size_t r = 0; r < t->n_boxes; r++) {
		const struct ccm_store_box *b = &t->boxes[r];
		const char *v[9];
		long long head[4], tail[7];
		int first = 1;

		text_columns(v, b);
		count_columns(head, tail, b);
		fputs(r ? ",\n  {" : "\n  {", out);
		for (size_t i = 0; i < 9; i++) {
			fprintf(out, "%s\"%s\":", i ? "," : "", text_names[i]);
			ccm_json_str(out, v[i]);
		}
		for (size_t i = 0; i < 4; i++)
			fprintf(out, ",\"%s\":%lld", count_names[i], head[i]);
		fputs(",\"left_out_by\":{", out);
		for (size_t i = 0; i < t->n_reasons; i++) {
			if (!b->left_out_by[i])
				continue;
			fputs(first ? "" : ",", out);
			first = 0;
			ccm_json_str(out, t->reasons[i]);
			fprintf(out, ":%lld", b->left_out_by[i]);
		}
		putc('}', out);
		for (size_t i = 0; i < 7; i++)
			fprintf(out, ",\"%s\":%lld", tail_names[i], tail[i]);
		fputs(",\"oldest\":", out);
		json_date(out, b->oldest);
		fputs(",\"newest\":", out);
		json_date(out, b->newest);
		putc('}', out);
	}
	fputs(t->n_boxes ? "\n]" : "]", out);
}

int ccm_boxtable_verdict(struct ccm_buf *out, const struct ccm_store_tally *t)
{
	if (t->errors || t->unaccounted) {
		ccm_buf_addf(out, "NOT everything is accounted for: %lld messages "
			     "unaccounted for, %lld errors (see the incomplete "
			     "mailboxes and the events).", t->unaccounted, t->errors);
		return 0;
	}
	ccm_buf_addf(out, "Every source message is accounted for: %lld migrated, "
		     "%lld left out by decision", t->migrated, t->left_out);
	if (t->users_left_out)
		ccm_buf_addf(out, ", %lld users left out by decision", t->users_left_out);
	if (t->warnings)
		ccm_buf_addf(out, "; but %lld problems were read around or repaired: "
			     "check the incomplete mailboxes", t->warnings);
	ccm_buf_addch(out, '.');
	return 1;
}
