/* size_limit.h: messages larger than the target takes: left out, or sent
 * with their largest attachments replaced by notes. */
#ifndef CCM_OUT_SIZE_LIMIT_H
#define CCM_OUT_SIZE_LIMIT_H

#include "base/buf.h"
#include "base/error.h"
#include "base/report.h"
#include "export/render.h"
#include "store/store.h"

/*
 * The limit an export keeps to (docs/export.md, "Size limits"). A
 * message's size is the bytes of the message as rendered and sent
 * (export/render.h): CRLF line ends, attachments in base64, every header;
 * what an IMAP APPEND sends and what a provider measures. A Maildir or
 * mbox file keeps LF line ends and is smaller by a byte a line.
 */
struct ccm_size_limit {
	unsigned long long max;   /* the largest message taken, bytes; 0: none */
	int split;                /* --split-attachments: replace attachments,
				     largest first, until it fits */
	/* Who set max, as the report says it: "--target gmail",
	 * "--max-message-size 10M". Borrowed. */
	const char *source;
};

/*
 * The names a user gives the limit's three settings: the command's options
 * ("--max-message-size", "--target", "--split-attachments") or a script's
 * fields. Errors and l->source speak of them.
 */
struct ccm_size_names {
	const char *max, *target, *split;
};
extern const struct ccm_size_names ccm_size_option_names;

/*
 * The limit of the user's settings, l initialised here: `target` (NULL:
 * none; checked even when `max` is given) for an export to PST or not
 * (ccm_size_target), `max` (NULL: none; ccm_size_parse) winning over it,
 * and `split`, which needs one of them. *source gets who set the limit
 * ("--target gmail", "--max-message-size 10M") and l->source points into
 * it; the caller releases it. 0, or CCM_EINVAL with err saying what is
 * wrong.
 */
int ccm_size_limit_set(struct ccm_size_limit *l, struct ccm_buf *source, const char *max,
		       const char *target, int split, int pst,
		       const struct ccm_size_names *names, struct ccm_error *err);

/* The decisions' report kinds (base/report.c lists them as decisions). */
#define CCM_SIZE_KIND_LEFT_OUT "size-left-out"
#define CCM_SIZE_KIND_SPLIT "size-split"
/* Who replaced attachments, as the note and the header name it. */
#define CCM_SIZE_SPLIT_OPTION "--split-attachments"

/*
 * A size as the user writes it: bytes ("1048576"), or a number with K, M
 * or G, each of 1024 (as Exchange counts its "35 MB (36,700,160 bytes)"),
 * "B" or "iB" after it allowed ("25M", "25MB", "25MiB" are 26,214,400
 * bytes); a fraction with a unit ("1.5G"). Into *out: 0, or CCM_EINVAL
 * with err saying what is wrong and what is taken (zero, a negative
 * number, past 1 TiB, another letter: "12X").
 */
int ccm_size_parse(unsigned long long *out, const char *text, struct ccm_error *err);

/*
 * The default limit of target `name`: "m365" 35 MiB (36,700,160 bytes,
 * Exchange Online's default), or with `pst` (PST files, which reach
 * Microsoft 365 through its Import service) 150 MiB (157,286,400 bytes,
 * the largest item that service takes); "gmail" 25,000,000 bytes
 * (Google's 25 MB, read the lower way); "dovecot" 0 (none). CCM_EINVAL,
 * err listing the targets, for any other name.
 */
int ccm_size_target(unsigned long long *out, const char *name, int pst,
		    struct ccm_error *err);

/* The longest path of an attachment in a message ("3.1.2"), NUL included. */
#define CCM_SIZE_PATH_LEN 112

/*
 * The path of part `seq` of the message at path `prefix` ("" the stored
 * message): "3", "3.1"; into out (n bytes), snprintf's result.
 */
int ccm_size_part_path(char *out, size_t n, const char *prefix, int seq);

/* What became of a message rendered within a limit. */
enum ccm_size_outcome {
	CCM_SIZE_FITS,            /* written as it is */
	CCM_SIZE_SPLIT,           /* written with attachments replaced */
	CCM_SIZE_LEFT_OUT,        /* over the limit, nothing of it written */
};

struct ccm_size_result {
	enum ccm_size_outcome outcome;
	unsigned long long size;  /* bytes written (FITS, SPLIT); the last
				     attempt's size (LEFT_OUT) */
	unsigned long long whole; /* the message as it is (SPLIT, LEFT_OUT) */
	size_t n_atts;            /* attachments it has, at any depth (when
				     l->split looked) */
	size_t n_replaced;        /* SPLIT: how many were replaced */
	/* SPLIT: the attachments replaced, "2 'plan.pdf' (5.2 MB), 3.1 ..."
	 * (their paths in the message, render.h). The caller releases it. */
	struct ccm_buf replaced;
	/* SPLIT by ccm_size_plan: the n_replaced paths, in the message's
	 * order. Released with the result. */
	char (*paths)[CCM_SIZE_PATH_LEN];
};

/*
 * Renders message m of store s (export/render.h, options o) through
 * `write` within limit l. A message that fits is written once, as it is:
 * the limit only counts the bytes on their way (l NULL or l->max 0: no
 * counting at all). One over it: what went to `write` is taken back by
 * `discard` (which empties the caller's output of this message; 0 or a
 * negative code); then, with l->split, it is rendered again with its
 * largest attachments (at any depth, forwarded messages' too; ties by
 * place) replaced by notes (ccm_render_opts.replaced, by
 * CCM_SIZE_SPLIT_OPTION), as few as the stored sizes say should do,
 * and one more each time it does not fit yet; with every attachment
 * replaced and still over, or without l->split, it is left out. res
 * (initialised here) says which. o->kept_deep counts the written
 * rendering only. Returns 0, or a negative code of the render, of
 * `write` or `discard`, with err filled (part of the message may then be
 * written).
 */
int ccm_size_render(struct ccm_size_result *res, struct ccm_store *s,
		    const struct ccm_store_message *m, const struct ccm_render_opts *o,
		    const struct ccm_size_limit *l, ccm_render_write_fn write,
		    int (*discard)(void *ctx), void *ctx, struct ccm_error *err);

/*
 * The same decision for an output that knows a message's size before it
 * writes anything (a PST message, export/pst_export.h): `whole` is the
 * size of message m as that output counts it, and `saves(size)` what
 * replacing an attachment of `size` bytes by a note saves there. Into res
 * (initialised here): FITS (whole within l->max, or l NULL or l->max 0);
 * with l->split, SPLIT when replacing the fewest of the largest
 * attachments (at any depth, ties by place) brings it within the limit,
 * res->paths naming them in the message's order (render.h's paths) and
 * res->size the size it should then have; else LEFT_OUT. Reads the
 * message's attachments only when it is over the limit and l->split.
 * Returns 0, or a negative code of the store with err filled.
 */
int ccm_size_plan(struct ccm_size_result *res, struct ccm_store *s,
		  const struct ccm_store_message *m, unsigned long long whole,
		  unsigned long long (*saves)(unsigned long long),
		  const struct ccm_size_limit *l, struct ccm_error *err);

/* Frees what res holds. */
void ccm_size_result_release(struct ccm_size_result *res);

/*
 * Reports the decision res records (nothing for CCM_SIZE_FITS) into rep,
 * a note of kind CCM_SIZE_KIND_LEFT_OUT or CCM_SIZE_KIND_SPLIT naming
 * mailbox `mailbox`, folder `folder`, the store's message `id` and its
 * Message-ID (<ccmig.UID@domain>: uid, and domain as render.h's, NULL
 * "ccmig.invalid"), its size and the limit with who set it.
 */
void ccm_size_say(struct ccm_report *rep, const char *mailbox, const char *folder,
		  long long id, const char *uid, const char *domain,
		  const struct ccm_size_result *res, const struct ccm_size_limit *l);

/*
 * Appends the line of an export's counts for the decisions of limit l
 * (nothing without one): "Size limit 25000000 bytes (--target gmail): 2
 * messages over it left out, 1 sent with attachments replaced by notes"
 * (`verb` "sent" or "written").
 */
void ccm_size_counts(struct ccm_buf *out, const struct ccm_size_limit *l,
		     unsigned long left_out, unsigned long split, const char *verb);

#endif
