/* report.h: the run's report: every warning, fallback and skipped item. */
#ifndef CCM_REPORT_H
#define CCM_REPORT_H

#include "base/buf.h"

#include <stdarg.h>
#include <stddef.h>

enum ccm_severity { CCM_NOTE = 0, CCM_WARNING = 1, CCM_ERROR = 2 };
/* "note", "warning", "error": the words reports and the store use. */
const char *ccm_severity_name(enum ccm_severity s);

/*
 * One entry of the report. Strings are borrowed for the duration of the
 * sink call only; a sink that keeps an entry copies it (ccm_diaglist does).
 * `kind` is a short stable tag for scripts ("count-fallback", "bad-date",
 * "unresolved-address" ...); `text` says in plain words what happened and
 * what the user can do.
 */
struct ccm_diag {
	enum ccm_severity severity;
	const char *kind;
	int event;           /* Migration Wizard event number, 0 if none */
	const char *file;    /* file the problem is in, NULL if none */
	long line;           /* 1-based line, 0 if unknown */
	long long offset;    /* byte offset in file, -1 if unknown */
	const char *user;    /* mailbox concerned, NULL if none */
	long message;        /* 1-based message number in file, 0 if none */
	const char *text;
};

/*
 * Where entries go. A report with no sink writes each entry to stderr, so
 * nothing is ever dropped silently. counts[] tallies entries by severity.
 */
struct ccm_report {
	void (*sink)(void *ctx, const struct ccm_diag *d);
	void *ctx;
	unsigned long counts[3];
};

void ccm_report_emit(struct ccm_report *r, const struct ccm_diag *d);
/* Builds the text from fmt and emits; the other fields are as in d. */
void ccm_reportf(struct ccm_report *r, const struct ccm_diag *d,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a va_list, for modules' own printf-like wrappers. */
void ccm_reportv(struct ccm_report *r, const struct ccm_diag *d,
		 const char *fmt, va_list ap);
/* One line: "file:line (byte N): severity: text [kind]" into out (cut to
 * outsz), control characters shown as \x1b (C1 codes as \u009b): the
 * text quotes the post office, and a terminal must not obey it. */
void ccm_diag_format(char *out, size_t outsz, const struct ccm_diag *d);

/* A sink that keeps copies of every entry, in order. */
/*
 * Whether entry d records a decision: something left out because a
 * policy, an option the user gave or a default rule said so (the R8
 * settings folders), which is counted, never a problem. Such entries are
 * notes; their kinds are listed in report.c.
 */
int ccm_diag_is_decision(const struct ccm_diag *d);
/* Who decided, in a few words, for a decision's kind ("a policy's user
 * hook", "an option: --no-mail"); NULL for a kind that is no decision. */
const char *ccm_decision_reason(const char *kind);
/* Whether d says something was not migrated: a decision, or an error. */
int ccm_diag_leaves_out(const struct ccm_diag *d);

struct ccm_diaglist {
	struct ccm_diag *items;
	size_t len, cap;
};
void ccm_diaglist_sink(void *ctx, const struct ccm_diag *d);
/* Frees every copied entry. */
void ccm_diaglist_release(struct ccm_diaglist *l);
/* Entries of that kind; handy in tests. */
size_t ccm_diaglist_count(const struct ccm_diaglist *l, const char *kind);

/*
 * Text from a post office, a store or a policy, made safe to show: a
 * control character (ESC ]0;... BEL, ESC [2J, DEL, the C1 codes of
 * UTF-8) is appended to out as \xNN (or \u00NN), so that a terminal or
 * pager shows it and never obeys it; tabs and everything else stay.
 * ccm_diag_format does this to every report line.
 */
void ccm_escape_controls(struct ccm_buf *out, const char *s, size_t n);
/* The same for a string, into scratch (reset first); its text. NULL
 * shows as "". */
const char *ccm_shown(struct ccm_buf *scratch, const char *s);

#endif
