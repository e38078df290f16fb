/* gen_defects.c: the defects of real exports, where they land and how. */
#include "gen/gen_int.h"
#include "ccmail/decode.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int targets;           /* messages it lands in; 0: not message-level */
	int needs_counts;      /* meaningless without item sizes */
	const char *help;
} defects[CCM_GEN_D_COUNT] = {
	{ "missing-count", 3, 1,
	  "a count line left out (Text item, Message:, Contents:)" },
	{ "blank-count", 2, 1,
	  "spaces where a Text item's count should be (Q287056)" },
	{ "zero-count", 2, 1, "a Text item count of 0 with data after it (Q287056)" },
	{ "wrong-count", 2, 1, "a Text item count that disagrees with the data" },
	{ "impossible-date", 3, 0, "Date: 2/31/99 and the like (Q233325)" },
	{ "no-date", 2, 0, "a message with no Date: line" },
	{ "unknown-header", 2, 0, "RRT: and other unknown header keywords (Q262989)" },
	{ "missing-contents", 2, 1, "a message with no Contents: line (B4)" },
	{ "empty-text-item", 2, 0, "messages of zero-length text items only (Q178122)" },
	{ "long-header", 2, 0, "To: lists of 4 KB to ~150 KB (B6, B7)" },
	{ "empty-name", 2, 0, "recipients ' at PO' with no name (B17)" },
	{ "unknown-item", 2, 0, "Sound item:, OLE item:, untitled odd items" },
	{ "bad-macbinary", 2, 1,
	  "MACBIN2 File items whose data is not MacBinary II (taken as RAW)" },
	{ "hostile-names", 2, 0,
	  "attachment names with ..\\, /etc/passwd, C:\\x, CON, 300 characters" },
	{ "duplicate-names", 0, 0,
	  "directory names equal but for case (Q237588)" },
	{ "unknown-mailbox", 0, 0, "a Mailbox: line naming no directory user" },
	{ "deep-nesting", 1, 1, "Message items nested 12 deep" },
	{ "truncated", 0, 0, "a mail file cut in the middle of its last message" },
};

const char *ccm_gen_defect_name(int d)
{
	return d >= 0 && d < CCM_GEN_D_COUNT ? defects[d].name : NULL;
}

const char *ccm_gen_defect_help(int d)
{
	return d >= 0 && d < CCM_GEN_D_COUNT ? defects[d].help : NULL;
}

int ccm_gen_defects_parse(unsigned *out, const char *list,
			  struct ccm_error *err)
{
	const char *s = list;

	*out = 0;
	if (!strcasecmp(list, "all")) {
		*out = CCM_GEN_D_ALL;
		return 0;
	}
	if (!strcasecmp(list, "none"))
		return 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int d;

		while (n && *s == ' ') {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		for (d = 0; d < CCM_GEN_D_COUNT; d++)
			if (strlen(defects[d].name) == n &&
			    !strncasecmp(defects[d].name, s, n))
				break;
		if (n && d == CCM_GEN_D_COUNT)
			return ccm_error_set(err, CCM_EINVAL,
				"unknown defect '%.*s'; 'ccmig gen --help' lists them",
				(int)n, s);
		if (n)
			*out |= CCM_GEN_D_BIT(d);
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	return 0;
}

/* ---- where they land ---- */

static int target_cmp(const void *a, const void *b)
{
	const struct ccm_gen_target *x = a, *y = b;

	if (x->box != y->box)
		return x->box < y->box ? -1 : 1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->defect - y->defect;
}

/* Ordinary messages only: not R8 settings, the big file, or a cut one. */
static long eligible(const struct ccm_gen_box *x)
{
	long n;

	if (x->kind != CCM_GEN_MAILBOX || !x->in_directory)
		return 0;
	n = x->n_messages - x->n_special - (x->truncated ? 1 : 0);
	return n > 0 ? n : 0;
}

int ccm_gen_place_defects(struct ccm_gen *g)
{
	struct ccm_gen_priv *p = g->priv;
	size_t total = 0, cap = 0;
	unsigned char *used;
	int d;

	for (size_t b = 0; b < g->n_boxes; b++)
		total += (size_t)eligible(&g->boxes[b]);
	for (d = 0; d < CCM_GEN_D_COUNT; d++)
		cap += (size_t)defects[d].targets;
	if (!total || !g->opts.defects)
		return 0;
	p->targets = calloc(cap, sizeof(*p->targets));
	used = calloc(total, 1);
	if (!p->targets || !used) {
		free(used);
		return CCM_ENOMEM;
	}
	for (d = 0; d < CCM_GEN_D_COUNT; d++) {
		if (!(g->opts.defects & CCM_GEN_D_BIT(d)))
			continue;
		if (defects[d].needs_counts && !g->opts.item_sizes)
			continue;
		if (d == CCM_GEN_D_BAD_MACBINARY &&
		    g->opts.encoding != CCM_ENC_MACBIN2)
			continue;
		for (int v = 0; v < defects[d].targets; v++) {
			size_t i = (size_t)(ccm_gen_hash2(g->opts.seed,
				(uint64_t)(d * 16 + v)) % total), tries = 0, b;
			struct ccm_gen_target *t = &p->targets[p->n_targets++];

			/* One defect per message while there are messages
			 * enough, so each can be told apart. */
			while (used[i] && tries++ < total)
				i = (i + 1) % total;
			used[i] = 1;
			for (b = 0; i >= (size_t)eligible(&g->boxes[b]); b++)
				i -= (size_t)eligible(&g->boxes[b]);
			t->box = (uint32_t)b;
			t->number = (uint32_t)(g->boxes[b].n_special + 1 + (long)i);
			t->defect = d;
			t->variant = v;
		}
	}
	free(used);
	qsort(p->targets, p->n_targets, sizeof(*p->targets), target_cmp);
	return 0;
}

size_t ccm_gen_targets_at(const struct ccm_gen *g, size_t box, long number,
			  const struct ccm_gen_target **first)
{
	const struct ccm_gen_priv *p = g->priv;
	size_t lo = 0, hi = p->n_targets, n = 0;

	/* Lower bound of (box, number). */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ccm_gen_target *t = &p->targets[mid];

		if (t->box < box || (t->box == box && (long)t->number < number))
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = p->targets + lo;
	while (lo + n < p->n_targets && p->targets[lo + n].box == box &&
	       (long)p->targets[lo + n].number == number)
		n++;
	return n;
}

/* ---- how they are written ---- */

/* The message's first text item with enough data to miscount, made if
 * there is none; its text has no keyword lines (the message is plain). */
static struct ccm_gen_item *count_victim(struct ccm_gen_mctx *c,
					 struct ccm_gen_msg *m)
{
	for (size_t i = 0; i < m->n_items; i++)
		if (m->items[i].kind == CCM_ITEM_TEXT &&
		    m->items[i].text_len >= 40 && !m->items[i].priv->count_style)
			return &m->items[i];
	ccm_gen_add_text(c, m, 300, 1);
	return &m->items[m->n_items - 1];
}

static void count_defect(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			 int d, int variant)
{
	struct ccm_gen_item *it;

	if (d == CCM_GEN_D_MISSING_COUNT && variant == 1) {
		m->priv->msg_cs = CCM_GEN_CS_NONE;
		return;
	}
	if (d == CCM_GEN_D_MISSING_COUNT && variant == 2) {
		m->priv->contents_cs = CCM_GEN_CS_NONE;
		return;
	}
	it = count_victim(c, m);
	it->defects |= CCM_GEN_D_BIT(d);
	/* The delimiter rule takes one line end off before the next
	 * keyword: the optional one must be there for the text to match. */
	it->line_end = 1;
	switch (d) {
	case CCM_GEN_D_MISSING_COUNT:
		it->priv->count_style = CCM_GEN_CS_NONE;
		break;
	case CCM_GEN_D_BLANK_COUNT:
		it->priv->count_style = CCM_GEN_CS_BLANK;
		break;
	case CCM_GEN_D_ZERO_COUNT:
		it->priv->count_style = CCM_GEN_CS_ZERO;
		break;
	default:
		it->priv->count_style = CCM_GEN_CS_WRONG;
		break;
	}
}

static void add_extra(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
		      const char *key, const char *value)
{
	struct ccm_gen_header *v = ccm_gen_alloc(c->a,
						 (m->n_extra + 1) * sizeof(*v));

	if (m->n_extra)
		memcpy(v, m->extra, m->n_extra * sizeof(*v));
	v[m->n_extra].key = key;
	v[m->n_extra].value = value;
	m->extra = v;
	m->n_extra++;
}

static void long_header(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			int variant)
{
	/* Over the old 4 KB header buffer (B6), and near the 160 KB of
	 * Export 8.2x (B7): on one line, then over repeated lines. */
	size_t want = variant == 0 ? 6000 : 150000, len = 0, n = 0, cap = 64;
	struct ccm_gen_addr *v = ccm_gen_alloc(c->a, cap * sizeof(*v));

	while (len < want) {
		if (n == cap) {
			struct ccm_gen_addr *w = ccm_gen_alloc(c->a,
							       cap * 2 * sizeof(*w));

			memcpy(w, v, n * sizeof(*v));
			v = w;
			cap *= 2;
		}
		ccm_gen_fill_addr(c, &v[n], ccm_gen_rng_chance(&c->r, 0.5)
				  ? CCM_GEN_F_LOCAL_PO : CCM_GEN_F_REMOTE_PO);
		if (n == 0 || (variant == 1 && len >= 100000 &&
			       len % 10000 < strlen(v[n].text) + 2))
			v[n].newline = 1;
		len += strlen(v[n].text) + 2;
		n++;
	}
	m->to = v;
	m->n_to = n;
}

static void add_empty_name(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			   int variant)
{
	struct ccm_gen_addr *v = ccm_gen_alloc(c->a, (m->n_to + 3) * sizeof(*v));
	size_t n = 0;

	/* Alone on a To: line, and inside a list after a whole address. */
	ccm_gen_fill_addr(c, &v[n], CCM_GEN_F_EMPTY);
	v[n++].newline = 1;
	if (variant == 1) {
		ccm_gen_fill_addr(c, &v[n], CCM_GEN_F_REMOTE_PO);
		v[n++].newline = 1;
		ccm_gen_fill_addr(c, &v[n++], CCM_GEN_F_EMPTY);
	}
	for (size_t i = 0; i < m->n_to; i++)
		v[n++] = m->to[i];
	if (n > (variant == 1 ? 3u : 1u))
		v[variant == 1 ? 3 : 1].newline = 1;
	m->to = v;
	m->n_to = n;
}

static void unknown_items(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			  int variant)
{
	struct ccm_gen_item *it;

	if (variant == 0) {
		it = ccm_gen_new_item(c, m, CCM_ITEM_SOUND, "Sound item",
				      "greeting.wav");
		it->name = "greeting.wav";
		ccm_gen_set_stream(c, it, 5000, CCM_GEN_FL_BINARY);
		it->defects |= CCM_GEN_D_BIT(CCM_GEN_D_UNKNOWN_ITEM);
		it = ccm_gen_new_item(c, m, CCM_ITEM_OTHER, "OLE item",
				      "Worksheet");
		it->name = "Worksheet";
		ccm_gen_set_stream(c, it, 777, CCM_GEN_FL_BINARY);
	} else {
		/* Untitled: named item<n>.bin once numbered. */
		it = ccm_gen_new_item(c, m, CCM_ITEM_OTHER, "Bitmap item", NULL);
		ccm_gen_set_stream(c, it, 300, CCM_GEN_FL_BINARY);
		it->defects |= CCM_GEN_D_BIT(CCM_GEN_D_UNKNOWN_ITEM);
		it = ccm_gen_new_item(c, m, CCM_ITEM_GRAPHICS, "Graphics item",
				      NULL);
		ccm_gen_set_stream(c, it, 64, CCM_GEN_FL_BINARY);
	}
	it->defects |= CCM_GEN_D_BIT(CCM_GEN_D_UNKNOWN_ITEM);
}

static unsigned char *bad_mac_data(struct ccm_gen_mctx *c, int variant,
				   size_t *n)
{
	unsigned char *h = ccm_gen_alloc(c->a, 128);

	*n = 128;
	if (variant == 0) {
		/* A zip file: the first byte is not 0. */
		memcpy(h, "PK\x03\x04\x14\x00\x00\x00", 8);
		*n = 8;
		return h;
	}
	/* A header that is right in every way but its CRC. */
	h[1] = 7;
	memcpy(h + 2, "bad.bin", 7);
	memcpy(h + 65, "BINAmacb", 8);
	h[86] = 16;
	h[122] = 129;
	h[123] = 129;
	{
		unsigned crc = ccm_crc16_xmodem(h, 124) ^ 0x5a5a;

		h[124] = (unsigned char)(crc >> 8);
		h[125] = (unsigned char)crc;
	}
	return h;
}

static void bad_macbinary(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			  int variant)
{
	size_t n;
	unsigned char *head = bad_mac_data(c, variant, &n);
	struct ccm_gen_item *it = ccm_gen_add_file(
		c, m, 4000 + (uint64_t)variant * 1000,
		variant ? "bad.bin" : "notmac.zip", NULL);

	it->macbinary = 0;
	it->mac_type[0] = it->mac_creator[0] = '\0';
	it->priv->n_ov = 0;
	it->priv->ov[it->priv->n_ov++] = (struct ccm_gen_overlay){ 0, head, n };
	it->defects |= CCM_GEN_D_BIT(CCM_GEN_D_BAD_MACBINARY);
}

static void hostile_names(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			  int variant)
{
	static const char *const names[] = {
		"..\\..\\AUTOEXEC.BAT", "/etc/passwd", "C:\\x", "CON",
		"a/b\\c.txt"
	};
	size_t first = variant ? 3 : 0, last = variant ? 5 : 3;

	for (size_t i = first; i < last; i++)
		ccm_gen_add_file(c, m, 100 + i, names[i], names[i])->defects |=
			CCM_GEN_D_BIT(CCM_GEN_D_HOSTILE_NAMES);
	if (variant) {
		char *lng = ccm_gen_alloc(c->a, 301);

		memset(lng, 'A', 296);
		memcpy(lng + 296, ".txt", 5);
		ccm_gen_add_file(c, m, 10, lng, lng)->defects |=
			CCM_GEN_D_BIT(CCM_GEN_D_HOSTILE_NAMES);
	}
}

static void deep_nesting(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen_msg *n = ccm_gen_nested(c, 1, 11);
	struct ccm_gen_item *it = ccm_gen_new_item(
		c, m, CCM_ITEM_MESSAGE, "Message item", "Fwd depth 1");

	it->message = n;
	it->priv->src = CCM_GEN_SRC_MESSAGE;
	it->defects |= CCM_GEN_D_BIT(CCM_GEN_D_DEEP_NESTING);
}

void ccm_gen_apply_defects(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			   const struct ccm_gen_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int d = t[i].defect, v = t[i].variant;

		m->defects |= CCM_GEN_D_BIT(d);
		switch (d) {
		case CCM_GEN_D_MISSING_COUNT:
		case CCM_GEN_D_BLANK_COUNT:
		case CCM_GEN_D_ZERO_COUNT:
		case CCM_GEN_D_WRONG_COUNT:
			count_defect(c, m, d, v);
			break;
		case CCM_GEN_D_IMPOSSIBLE_DATE:
			m->date_text = ccm_gen_date(&m->date, c->g, c->a, &c->r, 1);
			m->date_state = CCM_DATE_OK;
			break;
		case CCM_GEN_D_NO_DATE:
			m->date_text = NULL;
			m->date_state = CCM_DATE_NONE;
			memset(&m->date, 0, sizeof(m->date));
			break;
		case CCM_GEN_D_UNKNOWN_HEADER:
			add_extra(c, m, "RRT", ccm_gen_printf(c->a, "%s at %s",
				  c->box->name, c->g->post_office));
			if (v)
				add_extra(c, m, "Expires", "12/31/99");
			else
				add_extra(c, m, "X-Mailer", "cc:Mail 8.3");
			m->priv->extra_early = v;
			break;
		case CCM_GEN_D_MISSING_CONTENTS:
			m->has_contents = 0;
			m->n_items = 0;
			break;
		case CCM_GEN_D_EMPTY_TEXT_ITEM: {
			struct ccm_gen_item *it;

			m->n_items = 0;
			ccm_gen_add_text(c, m, 0, 1);
			if (v) {
				ccm_gen_add_text(c, m, 0, 1);
				m->items[1].title = "Part 2";
			}
			for (size_t k = 0; k < m->n_items; k++) {
				it = &m->items[k];
				it->defects |= CCM_GEN_D_BIT(d);
				it->line_end = c->g->opts.item_sizes ? k != 0 : 1;
			}
			break;
		}
		case CCM_GEN_D_LONG_HEADER:
			long_header(c, m, v);
			break;
		case CCM_GEN_D_EMPTY_NAME:
			add_empty_name(c, m, v);
			break;
		case CCM_GEN_D_UNKNOWN_ITEM:
			unknown_items(c, m, v);
			break;
		case CCM_GEN_D_BAD_MACBINARY:
			bad_macbinary(c, m, v);
			break;
		case CCM_GEN_D_HOSTILE_NAMES:
			hostile_names(c, m, v);
			break;
		case CCM_GEN_D_DEEP_NESTING:
			deep_nesting(c, m);
			break;
		default:
			break;
		}
	}
	/* Without Contents: there are no items, whatever else landed here:
	 * the defects that live in items did not land after all. */
	if (!m->has_contents) {
		m->n_items = 0;
		m->defects &= ~(CCM_GEN_D_BIT(CCM_GEN_D_EMPTY_TEXT_ITEM) |
				CCM_GEN_D_BIT(CCM_GEN_D_UNKNOWN_ITEM) |
				CCM_GEN_D_BIT(CCM_GEN_D_BAD_MACBINARY) |
				CCM_GEN_D_BIT(CCM_GEN_D_HOSTILE_NAMES) |
				CCM_GEN_D_BIT(CCM_GEN_D_DEEP_NESTING));
	}
}
