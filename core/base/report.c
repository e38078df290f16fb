/* report.c: emitting and collecting report entries. */
#include "base/report.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ccm_severity_name(enum ccm_severity s)
{
	return s == CCM_ERROR ? "error" : s == CCM_WARNING ? "warning" : "note";
}

/* The kinds of entry that record a decision (report.h), and who decided. */
static const struct {
	const char *kind, *reason;
} decision_kinds[] = {
	{ "skipped-r8-settings", "a default rule: the R8 client's settings folders" },
	{ "outside-date-range", "an option: --since, --until" },
	{ "mail-not-extracted", "an option: --no-mail" },
	{ "message-skipped-by-policy", "a policy's message or folder hook" },
	{ "user-skipped-by-policy", "a policy's user hook" },
	{ "attachment-dropped-by-policy", "a policy's message hook: attachments left out" },
	{ "size-left-out", "an option: --max-message-size, --target (an export's size limit)" },
	{ "size-split", "an option: --split-attachments: attachments replaced by notes" },
};

const char *ccm_decision_reason(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(decision_kinds) / sizeof(decision_kinds[0]); i++)
		if (!strcmp(kind, decision_kinds[i].kind))
			return decision_kinds[i].reason;
	return NULL;
}

int ccm_diag_is_decision(const struct ccm_diag *d)
{
	return d->severity == CCM_NOTE && ccm_decision_reason(d->kind) != NULL;
}

int ccm_diag_leaves_out(const struct ccm_diag *d)
{
	return d->severity == CCM_ERROR || ccm_diag_is_decision(d);
}

void ccm_diag_format(char *out, size_t outsz, const struct ccm_diag *d)
{
	struct ccm_buf b = CCM_BUF_INIT;

	if (d->file) {
		ccm_buf_adds(&b, d->file);
		if (d->line > 0)
			ccm_buf_addf(&b, ":%ld", d->line);
		if (d->offset >= 0)
			ccm_buf_addf(&b, " (byte %lld)", d->offset);
		ccm_buf_adds(&b, ": ");
	}
	ccm_buf_addf(&b, "%s: ", ccm_severity_name(d->severity));
	if (d->message > 0)
		ccm_buf_addf(&b, "message %ld: ", d->message);
	ccm_buf_adds(&b, d->text ? d->text : "");
	if (d->event)
		ccm_buf_addf(&b, " (event %d)", d->event);
	if (d->kind)
		ccm_buf_addf(&b, " [%s]", d->kind);
	/* Names and texts come from the post office: shown, not obeyed. */
	{
		struct ccm_buf e = CCM_BUF_INIT;

		ccm_escape_controls(&e, b.ptr, b.len);
		if (outsz)
			snprintf(out, outsz, "%s", e.ptr);
		ccm_buf_release(&e);
	}
	ccm_buf_release(&b);
}

void ccm_escape_controls(struct ccm_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < 0x20 && p[i] != '\t')
			ccm_buf_addf(out, "\\x%02x", p[i]);
		else if (p[i] == 0x7f)
			ccm_buf_adds(out, "\\x7f");
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			ccm_buf_addf(out, "\\u%04x", p[++i]);
		else
			ccm_buf_addch(out, p[i]);
	}
}

const char *ccm_shown(struct ccm_buf *scratch, const char *s)
{
	ccm_buf_reset(scratch);
	if (s)
		ccm_escape_controls(scratch, s, strlen(s));
	return scratch->ptr;
}

void ccm_report_emit(struct ccm_report *r, const struct ccm_diag *d)
{
	char line[2048];

	if (r) {
		r->counts[d->severity]++;
		if (r->sink) {
			r->sink(r->ctx, d);
			return;
		}
	}
	ccm_diag_format(line, sizeof(line), d);
	fprintf(stderr, "ccmig: %s\n", line);
}

void ccm_reportv(struct ccm_report *r, const struct ccm_diag *d,
		 const char *fmt, va_list ap)
{
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_diag copy = *d;

	ccm_buf_vaddf(&b, fmt, ap);
	copy.text = b.ptr;
	ccm_report_emit(r, &copy);
	ccm_buf_release(&b);
}

void ccm_reportf(struct ccm_report *r, const struct ccm_diag *d,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(r, d, fmt, ap);
	va_end(ap);
}

static char *dup_or_null(const char *s)
{
	return s ? ccm_strdup(s) : NULL;
}

void ccm_diaglist_sink(void *ctx, const struct ccm_diag *d)
{
	struct ccm_diaglist *l = ctx;
	struct ccm_diag *c;

	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ccm_diag *p = realloc(l->items, cap * sizeof(*p));
		if (!p) {
			/* Never lose an entry silently, even out of memory. */
			ccm_report_emit(NULL, d);
			return;
		}
		l->items = p;
		l->cap = cap;
	}
	c = &l->items[l->len++];
	*c = *d;
	c->kind = dup_or_null(d->kind);
	c->file = dup_or_null(d->file);
	c->user = dup_or_null(d->user);
	c->text = dup_or_null(d->text);
}

void ccm_diaglist_release(struct ccm_diaglist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free((char *)l->items[i].kind);
		free((char *)l->items[i].file);
		free((char *)l->items[i].user);
		free((char *)l->items[i].text);
	}
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

size_t ccm_diaglist_count(const struct ccm_diaglist *l, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].kind && strcmp(l->items[i].kind, kind) == 0)
			n++;
	return n;
}
