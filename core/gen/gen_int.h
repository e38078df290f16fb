/* gen_int.h: what the generator's files share with each other only. */
#ifndef CCM_GEN_INT_H
#define CCM_GEN_INT_H

#include <stdint.h>
#include "base/codepage.h"
#include "base/tz.h"
#include "gen/gen.h"

/* ---- random numbers (gen_rng.c) ---------------------------------------- */

/* splitmix64's finaliser: a good 64-bit mix, also the counter-based
 * generator of attachment data (block i of a stream is mix(seed + i*G)). */
static inline uint64_t ccm_gen_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
#define CCM_GEN_GOLDEN 0x9e3779b97f4a7c15ULL

/* A value derived from two others; used to give every file, message and
 * item a seed of its own, so any of them can be made alone. */
uint64_t ccm_gen_hash2(uint64_t a, uint64_t b);

/* xoshiro256**: the generator of model decisions. */
struct ccm_gen_rng {
	uint64_t s[4];
};
void ccm_gen_rng_seed(struct ccm_gen_rng *r, uint64_t seed);
uint64_t ccm_gen_rng_next(struct ccm_gen_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t ccm_gen_rng_below(struct ccm_gen_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
long ccm_gen_rng_range(struct ccm_gen_rng *r, long lo, long hi);
/* In [0, 1). */
double ccm_gen_rng_unit(struct ccm_gen_rng *r);
int ccm_gen_rng_chance(struct ccm_gen_rng *r, double p);
/* Heavy-tailed in [lo, hi]: about uniform in log scale. */
uint64_t ccm_gen_rng_logu(struct ccm_gen_rng *r, uint64_t lo, uint64_t hi);
/* About exponential with mean 1. */
double ccm_gen_rng_exp(struct ccm_gen_rng *r);

/* ---- memory of one message (gen_rng.c) ---------------------------------- */

/*
 * A bump allocator for everything a message holds, freed at once. An
 * allocation that fails sets `oom` and returns zeroed scratch memory, so
 * model code needs no check after each allocation; whoever finishes the
 * message checks `oom` once and gives CCM_ENOMEM.
 */
struct ccm_gen_arena {
	struct ccm_gen_ablk *head;
	int oom;
};
void *ccm_gen_alloc(struct ccm_gen_arena *a, size_t n);
char *ccm_gen_strdup(struct ccm_gen_arena *a, const char *s);
char *ccm_gen_memdup(struct ccm_gen_arena *a, const void *p, size_t n);
char *ccm_gen_printf(struct ccm_gen_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ccm_gen_arena_release(struct ccm_gen_arena *a);

/* ---- the private parts of the model ------------------------------------- */

enum ccm_gen_count_style {
	CCM_GEN_CS_LINE = 0,   /* "N" on the line after */
	CCM_GEN_CS_INLINE,     /* "Message: N" (Message: and Contents: only) */
	CCM_GEN_CS_NONE,       /* no count */
	CCM_GEN_CS_BLANK,      /* a line of spaces (Q287056) */
	CCM_GEN_CS_ZERO,       /* "0" though data follows (Q287056) */
	CCM_GEN_CS_WRONG       /* about half the truth */
};

enum ccm_gen_src {
	CCM_GEN_SRC_TEXT = 0,  /* item->text */
	CCM_GEN_SRC_STREAM,    /* seeded data stream */
	CCM_GEN_SRC_LITERAL,   /* bytes given by a test */
	CCM_GEN_SRC_MESSAGE    /* item->message */
};

enum ccm_gen_flavor { CCM_GEN_FL_BINARY = 0, CCM_GEN_FL_TEXT };

/* Fixed bytes laid over a data stream at an offset. */
struct ccm_gen_overlay {
	uint64_t off;
	const unsigned char *p;
	size_t n;
};

#define CCM_GEN_MAX_OVERLAYS 4

struct ccm_gen_item_priv {
	enum ccm_gen_src src;
	enum ccm_gen_flavor flavor;
	uint64_t seed;
	struct ccm_gen_overlay ov[CCM_GEN_MAX_OVERLAYS];
	int n_ov;
	const unsigned char *literal;
	uint64_t rsrc_len;             /* MacBinary resource fork bytes */
	char mac_name[64];             /* MacBinary name, 1..63 bytes */
	uint32_t mac_time;             /* seconds since 1904 */
	enum ccm_gen_count_style count_style;
	/* layout, filled by ccm_gen_layout() */
	char *line;                    /* "File item: x\r\n" in the code page */
	size_t line_len;
	char *enc;                     /* TEXT: the data in the code page */
	size_t enc_len;
	uint64_t data_size;            /* bytes of data as written */
	char count[40];                /* the count line as written */
	size_t count_len;
};

struct ccm_gen_msg_priv {
	struct ccm_gen_arena arena;    /* owner of the message tree (top only) */
	int owner;                     /* this priv was malloc'ed and owns arena */
	struct ccm_gen_arena *home;    /* the arena the message lives in */
	enum ccm_gen_count_style msg_cs, contents_cs;
	int prio_written;              /* "Priority: Normal" written */
	int status_written;            /* "Status:" written */
	int extra_early;               /* extra headers right after Date: */
	/* layout */
	int laid_out;
	char *hdr;                     /* header lines in the code page */
	size_t hdr_len;
	char head[64];                 /* "Message:" line and count line */
	size_t head_len;
	char contents[64];             /* "Contents:" line and count line */
	size_t contents_len;
	uint64_t items_size;           /* what the Contents count covers */
	uint64_t covered;              /* what the Message count covers */
	uint64_t total;                /* the whole block as written */
	uint64_t cut;                  /* truncated: offset in the block to cut */
};

struct ccm_gen_target {
	uint32_t box;
	uint32_t number;
	int defect;
	int variant;                   /* which form of the defect */
};

struct ccm_gen_priv {
	struct ccm_cp *cp;
	struct ccm_tz *tz;
	long showcase_box;             /* its first ordinary message has one
					  item of every kind; -1 none */
	unsigned long replaced;        /* characters the code page lacked */
	struct ccm_gen_target *targets;/* sorted by (box, number) */
	size_t n_targets;
	struct ccm_gen_arena arena;    /* the whole-bundle model's strings */
	long *locals;                  /* dir indexes of L/R entries */
	size_t n_locals;
	long *remotes;                 /* dir indexes of l/r entries */
	size_t n_remotes;
	long *aliases;
	size_t n_aliases;
	char **folders;                /* user folder names */
	size_t n_folders;
};

/* ---- names and words (gen_names.c) -------------------------------------- */

enum ccm_gen_script { CCM_GEN_ASCII = 0, CCM_GEN_LATIN, CCM_GEN_JAPANESE };
/* Which letters the code page can hold beyond ASCII. */
enum ccm_gen_script ccm_gen_script_of(int code_page);

/* A person's name in one of the cc:Mail shapes; UTF-8, in the arena. */
const char *ccm_gen_person(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			   enum ccm_gen_script sc);
/* 1 when a name is safe as a directory name of generated data. */
int ccm_gen_name_ok(const char *s);
/* Case folding for names as cc:Mail compares them (ASCII, Latin-1). */
void ccm_gen_fold(char *out, size_t outsz, const char *s);

/* A subject; NULL never. */
const char *ccm_gen_subject(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			    enum ccm_gen_script sc);
/*
 * Body text of about `len` bytes: lines of words with CR LF. `plain`
 * keeps every line clear of keyword shapes (for delimiter parsing); when 0
 * a quoted export with "Message:" lines may appear (Q233054). Never starts
 * with a digit-only line or a blank line.
 */
void ccm_gen_body(struct ccm_buf *out, struct ccm_gen_rng *r,
		  enum ccm_gen_script sc, size_t len, int plain);
/* An attachment file name (no date), its kind of data, type and creator. */
const char *ccm_gen_filename(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			     enum ccm_gen_script sc, enum ccm_gen_flavor *fl,
			     char type[5], char creator[5]);
/* A user folder path with '\' between levels. */
const char *ccm_gen_folder(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			   enum ccm_gen_script sc);
/* An office;phone style Comments field for a user. */
const char *ccm_gen_comments(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			     const char *name);
/* A lowercase alias like "jsmith" made from a name. */
const char *ccm_gen_alias(struct ccm_gen_arena *a, const char *name,
			  unsigned n);

/* ---- dates (gen_dates.c) ------------------------------------------------ */

/*
 * A message date: text as written in the order and the expected parse.
 * `impossible` makes a day past the month's end.
 */
const char *ccm_gen_date(struct ccm_date *out, struct ccm_gen *g,
			 struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			 int impossible);
/* A File item title date: "5/6/97 3:10PM", "9-11-1998", expected parse. */
const char *ccm_gen_title_date(struct ccm_date *out, struct ccm_gen *g,
			       struct ccm_gen_arena *a, struct ccm_gen_rng *r);

/* ---- messages (gen_msg.c, gen_defects.c) -------------------------------- */

/* The defects aimed at message `number` of box `box`: *first and a count. */
size_t ccm_gen_targets_at(const struct ccm_gen *g, size_t box, long number,
			  const struct ccm_gen_target **first);
/* Chooses the messages each defect lands in (from the seed). */
int ccm_gen_place_defects(struct ccm_gen *g);

/* The shapes of address ccm_gen_fill_addr() writes (spec 2.6). */
enum ccm_gen_form {
	CCM_GEN_F_RANDOM = -1,
	CCM_GEN_F_LOCAL_PO = 0,  /* "Smith, John at SALESPO" */
	CCM_GEN_F_LOCAL_BARE,    /* "Smith, John" */
	CCM_GEN_F_REMOTE_PO,     /* "Doe, Jane at HUBPO" */
	CCM_GEN_F_REMOTE_BARE,   /* "Doe, Jane" (an l/r entry) */
	CCM_GEN_F_SMTP,          /* "bob@example.com at INTERNET" */
	CCM_GEN_F_FOREIGN,       /* "Bob Jones [SMTP:bob@x.com] at SMTPGW" */
	CCM_GEN_F_SYSTEM,        /* "~ADE_Mailbox" */
	CCM_GEN_F_BOARD,         /* "#Social" */
	CCM_GEN_F_EXTENDED,      /* "Kim Lee at MHSGW {MHSNET/SALES/KLEE}" */
	CCM_GEN_F_UNKNOWN,       /* a name no directory entry has, at a PO */
	CCM_GEN_F_ALIAS,         /* an A/a entry at its PO */
	CCM_GEN_F_EMPTY          /* " at HUBPO" (B17) */
};

struct ccm_gen_mctx {
	struct ccm_gen *g;
	struct ccm_gen_arena *a;
	struct ccm_gen_rng r;
	const struct ccm_gen_box *box;
	int plain;                     /* keep text safe for delimiters */
};

/* Pieces of messages (gen_items.c, gen_addr.c, gen_msg.c), shared with
 * gen_defects.c. */
struct ccm_gen_item *ccm_gen_items_grow(struct ccm_gen_mctx *c,
					struct ccm_gen_msg *m, size_t more);
void ccm_gen_add_text(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
		      size_t len, int plain);
struct ccm_gen_item *ccm_gen_add_file(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
		      uint64_t size, const char *name, const char *title);
struct ccm_gen_msg *ccm_gen_nested(struct ccm_gen_mctx *c, int depth,
				   int chain);
void ccm_gen_fill_addr(struct ccm_gen_mctx *c, struct ccm_gen_addr *ad,
		       enum ccm_gen_form form);
/* gen_addr.c: an address as written and its expected parse. */
void ccm_gen_set_addr(struct ccm_gen_addr *ad, const char *text,
		      enum ccm_addr_kind kind, const char *name, const char *po);
/* A local user, bare or "at <home PO>". */
void ccm_gen_local_addr(struct ccm_gen_mctx *c, struct ccm_gen_addr *ad,
			const struct ccm_gen_dirent *e, int bare);
/* n recipients of random shapes; a long list goes over two lines. */
struct ccm_gen_addr *ccm_gen_recipients(struct ccm_gen_mctx *c, size_t n);
/* gen_items.c: an attachment size, heavy-tailed up to --max-attachment. */
uint64_t ccm_gen_attachment_size(struct ccm_gen_mctx *c);
void ccm_gen_add_fax(struct ccm_gen_mctx *c, struct ccm_gen_msg *m);
void ccm_gen_add_graphics(struct ccm_gen_mctx *c, struct ccm_gen_msg *m);
/* A new item of `kind` at the end of m's items, with its private part. */
struct ccm_gen_item *ccm_gen_new_item(struct ccm_gen_mctx *c,
				      struct ccm_gen_msg *m,
				      enum ccm_item_kind kind,
				      const char *keyword, const char *title);
/* A data item (File, Fax, other) of `size` bytes of seeded data. */
/* Puts "\r\nMessage:\r\n" at byte `at` of a stream item's data and
 * "\r\nText item:\r\n" 64 bytes later (Q233054), replacing other overlays. */
void ccm_gen_put_keywords(struct ccm_gen_item *it, uint64_t at);
void ccm_gen_set_stream(struct ccm_gen_mctx *c, struct ccm_gen_item *it,
			uint64_t size, enum ccm_gen_flavor fl);
void ccm_gen_apply_defects(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			   const struct ccm_gen_target *t, size_t n);
void ccm_gen_number_items(struct ccm_gen_msg *m);
struct ccm_gen_msg *ccm_gen_msg_alloc(struct ccm_gen_arena *a);

/* ---- data and encodings (gen_data.c) ------------------------------------ */

/* The item's decoded bytes at `off` (stream or literal), n at most. */
size_t ccm_gen_data_read(const struct ccm_gen_item *it, uint64_t off,
			 unsigned char *buf, size_t n);
/* Fills the 128-byte MacBinary II header of a valid item. */
void ccm_gen_macbin_header(const struct ccm_gen_item *it, unsigned char h[128]);
/* Bytes of the item's data as written in encoding e. */
uint64_t ccm_gen_encoded_size(const struct ccm_gen_item *it,
			      enum ccm_attach_enc e);
/* HEX: bytes per line of hex pairs. */
#define CCM_GEN_HEX_LINE 32

/* ---- the written form (gen_render.c) ------------------------------------ */

/* Where rendered bytes go: a file, a memory buffer, or nowhere. */
struct ccm_gen_sink {
	int (*write)(struct ccm_gen_sink *s, const void *p, size_t n);
	uint64_t pos;
	struct ccm_buf *mem;
	int fd;
	char *buf;
	size_t len, cap;
	const char *path;
	struct ccm_error *err;
};
int ccm_gen_sink_put(struct ccm_gen_sink *s, const void *p, size_t n);
int ccm_gen_sink_mem(struct ccm_buf *out, struct ccm_gen_sink *s);

/* Computes the counts and the written pieces of m and its nested ones. */
int ccm_gen_layout(struct ccm_gen *g, const struct ccm_gen_msg *m);
/* Writes a laid-out message. */
int ccm_gen_emit(struct ccm_gen *g, const struct ccm_gen_msg *m,
		 struct ccm_gen_sink *s);
/* Appends UTF-8 text converted to the bundle's code page. */
void ccm_gen_to_cp(struct ccm_buf *out, struct ccm_gen *g, const char *s,
		   size_t n);

#endif
