/* gen_msg.c: one message of the model, made from its seed alone. */
#include "gen/gen_int.h"

#include <stdlib.h>
#include <string.h>

struct ccm_gen_msg *ccm_gen_msg_alloc(struct ccm_gen_arena *a)
{
	struct ccm_gen_msg *m = ccm_gen_alloc(a, sizeof(*m));

	m->priv = ccm_gen_alloc(a, sizeof(*m->priv));
	m->priv->home = a;
	m->number = 1;
	m->status = CCM_STATUS_READ;
	m->priority = CCM_PRIO_NORMAL;
	m->has_contents = 1;
	return m;
}

static const struct ccm_gen_dirent *owner(struct ccm_gen_mctx *c)
{
	if (c->box->dir_index >= 0)
		return &c->g->dir[c->box->dir_index];
	return NULL;
}

static void from_owner(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	const struct ccm_gen_dirent *e = owner(c);

	if (!e) {
		ccm_gen_fill_addr(c, &m->from_addr, CCM_GEN_F_LOCAL_PO);
	} else {
		ccm_gen_local_addr(c, &m->from_addr, e, ccm_gen_rng_chance(&c->r, 0.5));
	}
	m->from = m->from_addr.text;
}

static void to_owner(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	const struct ccm_gen_dirent *e = owner(c);

	m->to = ccm_gen_alloc(c->a, sizeof(*m->to));
	m->n_to = 1;
	if (e)
		ccm_gen_local_addr(c, &m->to[0], e, 1);
	else
		ccm_gen_fill_addr(c, &m->to[0], CCM_GEN_F_LOCAL_BARE);
	m->to[0].newline = 1;
}

/* The first 30 characters of a subject: the title of a Message item (B25). */
static const char *title30(struct ccm_gen_mctx *c, const char *s)
{
	size_t i = 0, chars = 0;

	if (!s)
		return "";
	while (s[i] && chars < 30) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	return ccm_gen_memdup(c->a, s, i);
}

static void add_message_item(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			     struct ccm_gen_msg *n)
{
	struct ccm_gen_item *it = ccm_gen_new_item(
		c, m, CCM_ITEM_MESSAGE, "Message item", title30(c, n->subject));

	it->message = n;
	it->priv->src = CCM_GEN_SRC_MESSAGE;
	if (!c->g->opts.item_sizes)
		it->line_end = 0;  /* the nested block ends with its own */
}

static void set_counts(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen_msg_priv *p = m->priv;

	if (!c->g->opts.item_sizes) {
		p->msg_cs = p->contents_cs = CCM_GEN_CS_NONE;
		return;
	}
	/* The grammar allows the count on the keyword's line too. */
	p->msg_cs = ccm_gen_rng_chance(&c->r, 0.03) ? CCM_GEN_CS_INLINE
						    : CCM_GEN_CS_LINE;
	p->contents_cs = ccm_gen_rng_chance(&c->r, 0.03) ? CCM_GEN_CS_INLINE
							 : CCM_GEN_CS_LINE;
}

static void add_date(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	m->date_text = ccm_gen_date(&m->date, c->g, c->a, &c->r, 0);
	m->date_state = CCM_DATE_OK;
}

struct ccm_gen_msg *ccm_gen_nested(struct ccm_gen_mctx *c, int depth, int chain)
{
	struct ccm_gen_msg *n = ccm_gen_msg_alloc(c->a);
	enum ccm_gen_script sc = ccm_gen_script_of(c->g->opts.code_page);
	int counts = c->g->opts.item_sizes;

	n->depth = depth;
	set_counts(c, n);
	ccm_gen_fill_addr(c, &n->from_addr, CCM_GEN_F_RANDOM);
	n->from = n->from_addr.text;
	add_date(c, n);
	n->n_to = (size_t)ccm_gen_rng_range(&c->r, 1, 2);
	n->to = ccm_gen_recipients(c, n->n_to);
	n->subject = chain ? ccm_gen_printf(c->a, "Fwd depth %d", depth)
			   : ccm_gen_subject(c->a, &c->r, sc);
	ccm_gen_add_text(c, n, chain ? 40 : ccm_gen_rng_logu(&c->r, 1, 3000),
			 c->plain);
	if (!chain && counts && depth < 3 && ccm_gen_rng_chance(&c->r, 0.2))
		ccm_gen_add_file(c, n, ccm_gen_rng_logu(&c->r, 0, 16384), NULL,
				 NULL);
	if (chain > 0)
		add_message_item(c, n, ccm_gen_nested(c, depth + 1, chain - 1));
	else if (counts && depth < 3 && ccm_gen_rng_chance(&c->r, 0.25))
		add_message_item(c, n, ccm_gen_nested(c, depth + 1, 0));
	if (n->n_items && !counts)
		n->items[n->n_items - 1].line_end = 1;
	ccm_gen_number_items(n);
	return n;
}

/* ---- whole messages ---- */

static void settings_message(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
			     long k)
{
	static const char *const folders[] = { "Stationery", "Preferences",
					       "Rules" };

	/* R8 keeps its settings as messages with no subject and no body
	 * (Q174255). */
	from_owner(c, m);
	add_date(c, m);
	m->folder = folders[k];
}

static void big_message(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_date fd;
	const char *d = ccm_gen_title_date(&fd, c->g, c->a, &c->r);
	struct ccm_gen_item *it;

	ccm_gen_fill_addr(c, &m->from_addr, CCM_GEN_F_REMOTE_PO);
	m->from = m->from_addr.text;
	add_date(c, m);
	to_owner(c, m);
	m->subject = "The big file";
	ccm_gen_add_text(c, m, 200, c->plain);
	it = ccm_gen_add_file(c, m, c->g->opts.big_attachment, "BIGFILE.DAT",
			      ccm_gen_printf(c->a, "BIGFILE.DAT %s", d));
	it->has_file_date = 1;
	it->file_date = fd;
	/* The point of this message is the size: no keyword overlays. */
	it->priv->n_ov = c->g->opts.item_sizes ? 0 : it->priv->n_ov;
}

static void add_attachments(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen *g = c->g;

	if (ccm_gen_rng_chance(&c->r, g->opts.attachment_share)) {
		int n = 1 + ccm_gen_rng_chance(&c->r, 0.1) +
			ccm_gen_rng_chance(&c->r, 0.03);

		while (n--)
			ccm_gen_add_file(c, m, ccm_gen_attachment_size(c), NULL, NULL);
	}
	if (ccm_gen_rng_chance(&c->r, 0.01))
		ccm_gen_add_fax(c, m);
	if (ccm_gen_rng_chance(&c->r, 0.005))
		ccm_gen_add_graphics(c, m);
	if (ccm_gen_rng_chance(&c->r, g->opts.item_sizes ? 0.04 : 0.02))
		add_message_item(c, m, ccm_gen_nested(c, 1, 0));
}

static void body(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	size_t len = ccm_gen_rng_chance(&c->r, 0.05) ? 0
		   : (size_t)ccm_gen_rng_logu(&c->r, 1, 50000);

	ccm_gen_add_text(c, m, len, c->plain);
	if (ccm_gen_rng_chance(&c->r, 0.05))
		m->items[0].title = ccm_gen_rng_chance(&c->r, 0.5) ? "Memo"
								   : "Part 1";
}

static void headers(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen_rng *r = &c->r;
	enum ccm_gen_script sc = ccm_gen_script_of(c->g->opts.code_page);
	unsigned k;

	if (ccm_gen_rng_chance(r, 0.97))
		m->subject = ccm_gen_subject(c->a, r, sc);
	k = (unsigned)ccm_gen_rng_below(r, 100);
	if (k < 8)
		m->priority = CCM_PRIO_URGENT;
	else if (k < 12)
		m->priority = CCM_PRIO_LOW;
	else if (k < 17)
		m->priv->prio_written = 1;
	m->receipt = ccm_gen_rng_chance(r, 0.05);
	if (m->status == CCM_STATUS_READ) {
		k = (unsigned)ccm_gen_rng_below(r, 100);
		if (k < 10) {
			m->status = CCM_STATUS_UNREAD;
			m->priv->status_written = 1;
		} else if (k < 15) {
			m->priv->status_written = 1;
		} else if (k < 17) {
			m->status = CCM_STATUS_READ | CCM_STATUS_DRAFT;
			m->priv->status_written = 1;
		}
	}
}

static void normal_message(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen *g = c->g;
	struct ccm_gen_rng *r = &c->r;
	unsigned k = (unsigned)ccm_gen_rng_below(r, 100);
	int sent = 0;

	if (c->box->kind == CCM_GEN_BOARD) {
		ccm_gen_fill_addr(c, &m->from_addr, ccm_gen_rng_chance(r, 0.5)
				  ? CCM_GEN_F_LOCAL_PO : CCM_GEN_F_REMOTE_PO);
		m->from = m->from_addr.text;
		m->to = ccm_gen_alloc(c->a, sizeof(*m->to));
		m->n_to = 1;
		if (ccm_gen_rng_chance(r, 0.5))
			ccm_gen_set_addr(&m->to[0], ccm_gen_printf(c->a, "#%s", c->box->name),
				 CCM_ADDR_BOARD, c->box->name, NULL);
		else
			ccm_gen_set_addr(&m->to[0], ccm_gen_printf(c->a, "#%s at %s",
				 c->box->name, g->post_office),
				 CCM_ADDR_BOARD, c->box->name, g->post_office);
		m->to[0].newline = 1;
		add_date(c, m);
		headers(c, m);
		body(c, m);
		add_attachments(c, m);
		return;
	}
	if (k < 40) {
		m->folder = NULL;
	} else if (k < 55) {
		m->folder = "Message Log";
		sent = 1;
	} else if (k < 60) {
		m->folder = "Drafts";
		m->status = CCM_STATUS_DRAFT;
		m->priv->status_written = 1;
		sent = 1;
	} else if (k < 67) {
		m->folder = "Trash";
	} else if (k < 69) {
		m->folder = "Clipboard";
	} else {
		m->folder = g->priv->folders[ccm_gen_rng_below(
			r, g->priv->n_folders)];
	}
	if (sent) {
		/* Message Log copies may lack From: (the owner sent them). */
		if (!(m->folder[0] == 'M' && ccm_gen_rng_chance(r, 0.4)))
			from_owner(c, m);
	} else {
		ccm_gen_fill_addr(c, &m->from_addr, ccm_gen_rng_chance(r, 0.04)
				  ? CCM_GEN_F_SYSTEM : CCM_GEN_F_RANDOM);
		m->from = m->from_addr.text;
	}
	add_date(c, m);
	m->n_to = (size_t)ccm_gen_rng_range(r, 1, 4);
	m->to = ccm_gen_recipients(c, m->n_to);
	if (ccm_gen_rng_chance(r, 0.4)) {
		m->n_cc = (size_t)ccm_gen_rng_range(r, 1, 3);
		m->cc = ccm_gen_recipients(c, m->n_cc);
	}
	if (ccm_gen_rng_chance(r, sent ? 0.4 : 0.1)) {
		m->n_bcc = (size_t)ccm_gen_rng_range(r, 1, 2);
		m->bcc = ccm_gen_recipients(c, m->n_bcc);
	}
	headers(c, m);
	body(c, m);
	add_attachments(c, m);
}

/*
 * Without counts nothing says where a nested message ends: the items after
 * it would read as its own. So a Message item comes last (and there is at
 * most one), whatever a defect appended after it.
 */
static void message_items_last(struct ccm_gen_msg *m)
{
	for (size_t i = 0; i + 1 < m->n_items; i++)
		if (m->items[i].kind == CCM_ITEM_MESSAGE) {
			struct ccm_gen_item it = m->items[i];

			memmove(&m->items[i], &m->items[i + 1],
				(m->n_items - i - 1) * sizeof(it));
			m->items[m->n_items - 1] = it;
			break;
		}
}

int ccm_gen_message(struct ccm_gen_msg **out, struct ccm_gen *g, size_t box,
		    long number)
{
	struct ccm_gen_msg_priv *top = calloc(1, sizeof(*top));
	const struct ccm_gen_box *x = &g->boxes[box];
	const struct ccm_gen_target *t = NULL;
	size_t n_t;
	struct ccm_gen_mctx c;
	struct ccm_gen_msg *m;

	*out = NULL;
	if (!top)
		return CCM_ENOMEM;
	top->owner = 1;
	c.g = g;
	c.a = &top->arena;
	c.box = x;
	ccm_gen_rng_seed(&c.r, ccm_gen_hash2(x->seed, (uint64_t)number));
	n_t = ccm_gen_targets_at(g, box, number, &t);
	/* Text that a count defect makes the reader find by delimiters must
	 * hold no keyword lines; so must all text when there are no counts. */
	c.plain = !g->opts.item_sizes;
	for (size_t i = 0; i < n_t; i++)
		if (t[i].defect <= CCM_GEN_D_WRONG_COUNT)
			c.plain = 1;
	if (x->truncated && number == x->n_messages)
		c.plain = 1;

	m = ccm_gen_alloc(c.a, sizeof(*m));
	m->priv = top;
	top->home = &top->arena;
	m->status = CCM_STATUS_READ;
	m->priority = CCM_PRIO_NORMAL;
	m->has_contents = 1;
	m->number = number;
	set_counts(&c, m);
	if (x->r8 && number <= 3) {
		settings_message(&c, m, number - 1);
	} else if (x->big && number == x->n_special) {
		big_message(&c, m);
	} else {
		normal_message(&c, m);
		if ((long)box == g->priv->showcase_box &&
		    number == x->n_special + 1) {
			/* Small bundles would rarely hold the rare kinds: one
			 * message always has a fax, a graphics item and a
			 * forwarded message three deep (one deep without
			 * counts, where nesting cannot be delimited). */
			int has_msg = 0;

			for (size_t i = 0; i < m->n_items; i++)
				has_msg |= m->items[i].kind == CCM_ITEM_MESSAGE;
			ccm_gen_add_fax(&c, m);
			ccm_gen_add_graphics(&c, m);
			if (g->opts.item_sizes || !has_msg)
				add_message_item(&c, m, ccm_gen_nested(
					&c, 1, g->opts.item_sizes ? 2 : 0));
		}
		if (x->truncated && number == x->n_messages) {
			/* The cut lands in the middle of this last item:
			 * counted binary data, or text found by delimiters. */
			m->truncated = 1;
			if (!g->opts.item_sizes) {
				/* A nested message is a last item without
				 * counts; the cut text must be the last. */
				size_t k = 0;

				for (size_t i = 0; i < m->n_items; i++)
					if (m->items[i].kind != CCM_ITEM_MESSAGE)
						m->items[k++] = m->items[i];
				m->n_items = k;
			}
			if (g->opts.item_sizes) {
				/* Keyword bytes before the cut: the reader must
				 * keep them as the cut file's data and find no
				 * message in them. */
				struct ccm_gen_item *cut = ccm_gen_add_file(
					&c, m, 5000, "cut.bin", "cut.bin");
				if (g->opts.encoding != CCM_ENC_HEX)
					ccm_gen_put_keywords(cut, 300);
			} else
				ccm_gen_add_text(&c, m, 400, 1);
			m->items[m->n_items - 1].line_end = 1;
		}
	}
	if (n_t)
		ccm_gen_apply_defects(&c, m, t, n_t);
	if (!g->opts.item_sizes)
		message_items_last(m);
	ccm_gen_number_items(m);
	for (size_t i = 0; i < m->n_items; i++) {
		struct ccm_gen_item *it = &m->items[i];

		if (it->kind != CCM_ITEM_TEXT && it->kind != CCM_ITEM_MESSAGE &&
		    !it->title[0])
			it->name = ccm_gen_printf(c.a, "item%ld.bin", it->index);
	}
	/* Blank lines between messages are legal, but a text found by
	 * delimiters would take them in: none after a count defect. */
	if (x->kind == CCM_GEN_MAILBOX && g->opts.item_sizes && !c.plain &&
	    ccm_gen_rng_chance(&c.r, 0.1))
		m->blank_lines = (int)ccm_gen_rng_range(&c.r, 1, 2);
	if (top->arena.oom) {
		ccm_gen_msg_free(m);
		return CCM_ENOMEM;
	}
	*out = m;
	return 0;
}

void ccm_gen_msg_free(struct ccm_gen_msg *m)
{
	struct ccm_gen_arena a;

	if (!m || !m->priv || !m->priv->owner)
		return;
	a = m->priv->arena;
	free(m->priv);
	ccm_gen_arena_release(&a);
}

int ccm_gen_messages(struct ccm_gen *g, size_t box,
		     int (*fn)(void *ctx, const struct ccm_gen_msg *m),
		     void *ctx)
{
	for (long i = 1; i <= g->boxes[box].n_messages; i++) {
		struct ccm_gen_msg *m;
		int rc = ccm_gen_message(&m, g, box, i);

		if (rc < 0)
			return rc;
		rc = fn(ctx, m);
		ccm_gen_msg_free(m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ccm_gen_msg_blank(struct ccm_gen_msg **out, struct ccm_gen *g,
		      size_t n_items)
{
	struct ccm_gen_msg_priv *top = calloc(1, sizeof(*top));
	struct ccm_gen_msg *m;

	(void)g;
	*out = NULL;
	if (!top)
		return CCM_ENOMEM;
	top->owner = 1;
	m = ccm_gen_alloc(&top->arena, sizeof(*m));
	m->priv = top;
	top->home = &top->arena;
	m->number = 1;
	m->status = CCM_STATUS_READ;
	m->has_contents = 1;
	m->items = ccm_gen_alloc(&top->arena, (n_items ? n_items : 1) *
				 sizeof(*m->items));
	m->n_items = n_items;
	for (size_t i = 0; i < n_items; i++) {
		m->items[i].index = (long)i + 1;
		m->items[i].title = "";
		m->items[i].line_end = 1;
		m->items[i].priv = ccm_gen_alloc(&top->arena,
						 sizeof(*m->items[i].priv));
		m->items[i].priv->count_style = g->opts.item_sizes
			? CCM_GEN_CS_LINE : CCM_GEN_CS_NONE;
	}
	top->msg_cs = top->contents_cs = g->opts.item_sizes ? CCM_GEN_CS_LINE
							    : CCM_GEN_CS_NONE;
	if (top->arena.oom) {
		ccm_gen_msg_free(m);
		return CCM_ENOMEM;
	}
	*out = m;
	return 0;
}

int ccm_gen_item_literal(struct ccm_gen_msg *m, size_t i, const void *data,
			 size_t n)
{
	struct ccm_gen_item *it = &m->items[i];

	it->priv->src = CCM_GEN_SRC_LITERAL;
	it->priv->literal = (const unsigned char *)ccm_gen_memdup(
		&m->priv->arena, data, n);
	it->size = n;
	return m->priv->arena.oom ? CCM_ENOMEM : 0;
}
