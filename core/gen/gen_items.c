/* gen_items.c: the items of a message: texts, files, faxes and the like. */
#include "gen/gen_int.h"

#include <string.h>

/* cc:Mail's limit for one text item (B13, Q190555); longer text is split. */
#define TEXT_ITEM_MAX 20480

struct ccm_gen_item *ccm_gen_items_grow(struct ccm_gen_mctx *c,
					struct ccm_gen_msg *m, size_t more)
{
	struct ccm_gen_item *v = ccm_gen_alloc(c->a,
					       (m->n_items + more) * sizeof(*v));

	if (m->n_items)
		memcpy(v, m->items, m->n_items * sizeof(*v));
	m->items = v;
	m->n_items += more;
	return &v[m->n_items - more];
}

struct ccm_gen_item *ccm_gen_new_item(struct ccm_gen_mctx *c,
				      struct ccm_gen_msg *m,
				      enum ccm_item_kind kind,
				      const char *keyword, const char *title)
{
	struct ccm_gen_item *it = ccm_gen_items_grow(c, m, 1);

	it->kind = kind;
	it->keyword = keyword;
	it->title = title ? title : "";
	it->priv = ccm_gen_alloc(c->a, sizeof(*it->priv));
	it->priv->count_style = c->g->opts.item_sizes ? CCM_GEN_CS_LINE
						      : CCM_GEN_CS_NONE;
	/* Export did not always end data with a line end (Q184391); with
	 * counts that is legal, without them the delimiter rule needs it. */
	it->line_end = c->g->opts.item_sizes ? ccm_gen_rng_chance(&c->r, 0.9) : 1;
	return it;
}

void ccm_gen_number_items(struct ccm_gen_msg *m)
{
	for (size_t i = 0; i < m->n_items; i++)
		m->items[i].index = (long)i + 1;
}

void ccm_gen_add_text(struct ccm_gen_mctx *c, struct ccm_gen_msg *m,
		      size_t len, int plain)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t off = 0;
	enum ccm_gen_script sc = ccm_gen_script_of(c->g->opts.code_page);

	ccm_gen_body(&b, &c->r, sc, len, plain);
	do {
		/* Split where cc:Mail did: at a line end before the limit. */
		size_t n = b.len - off;
		struct ccm_gen_item *it;

		if (n > TEXT_ITEM_MAX) {
			n = TEXT_ITEM_MAX;
			while (n > 2 && !(b.ptr[off + n - 2] == '\r' &&
					  b.ptr[off + n - 1] == '\n'))
				n--;
			if (n <= 2)
				n = TEXT_ITEM_MAX;
		}
		it = ccm_gen_new_item(c, m, CCM_ITEM_TEXT, "Text item", NULL);
		it->text = ccm_gen_memdup(c->a, b.ptr + off, n);
		it->text_len = n;
		it->size = n;
		it->priv->src = CCM_GEN_SRC_TEXT;
		off += n;
	} while (off < b.len);
	ccm_buf_release(&b);
}

static size_t mac_name(char out[64], const char *name)
{
	size_t n = 0;

	/* The Mac name is a file system name of its own: ASCII, 63 bytes at
	 * most; the attachment's name comes from the item title anyway. */
	for (const unsigned char *p = (const unsigned char *)name; *p && n < 63; p++)
		out[n++] = (*p >= 0x20 && *p < 0x7f && *p != ':') ? (char)*p : '_';
	if (n == 0)
		out[n++] = '_';
	out[n] = '\0';
	return n;
}

/* Export's binary data can hold what looks like keywords (Q233054). */
static const unsigned char kw_message[] = "\r\nMessage:\r\n";
static const unsigned char kw_text[] = "\r\nText item:\r\n";
static const unsigned char hex_letter[] = { 0xab };

void ccm_gen_put_keywords(struct ccm_gen_item *it, uint64_t at)
{
	struct ccm_gen_item_priv *p = it->priv;

	p->n_ov = 0;
	p->ov[p->n_ov++] = (struct ccm_gen_overlay){ at, kw_message,
						    sizeof(kw_message) - 1 };
	p->ov[p->n_ov++] = (struct ccm_gen_overlay){ at + 64, kw_text,
						    sizeof(kw_text) - 1 };
}

void ccm_gen_set_stream(struct ccm_gen_mctx *c, struct ccm_gen_item *it,
			uint64_t size, enum ccm_gen_flavor fl)
{
	struct ccm_gen *g = c->g;
	struct ccm_gen_item_priv *p = it->priv;

	p->src = CCM_GEN_SRC_STREAM;
	p->flavor = fl;
	p->seed = ccm_gen_rng_next(&c->r);
	it->size = size;
	if (g->opts.item_sizes && g->opts.encoding != CCM_ENC_HEX &&
	    size >= 64 && ccm_gen_rng_chance(&c->r, 0.15)) {
		p->ov[p->n_ov++] = (struct ccm_gen_overlay){
			ccm_gen_rng_below(&c->r, size - 16), kw_message,
			sizeof(kw_message) - 1 };
		p->ov[p->n_ov++] = (struct ccm_gen_overlay){
			ccm_gen_rng_below(&c->r, size - 16), kw_text,
			sizeof(kw_text) - 1 };
	}
	if (!g->opts.item_sizes && size > 0) {
		/* A first hex line of digits only would pass for a count line
		 * when counts are optional: start with a letter pair. */
		p->ov[p->n_ov++] = (struct ccm_gen_overlay){ 0, hex_letter, 1 };
	}
	if (g->opts.encoding == CCM_ENC_MACBIN2) {
		it->macbinary = 1;
		if (!it->mac_type[0]) {
			memcpy(it->mac_type, "BINA", 5);
			memcpy(it->mac_creator, "CCML", 5);
		}
		mac_name(p->mac_name, it->name ? it->name : it->title);
		if (ccm_gen_rng_chance(&c->r, 0.15))
			p->rsrc_len = ccm_gen_rng_below(&c->r, 700);
		p->mac_time = (uint32_t)(3000000000u +
					 ccm_gen_rng_below(&c->r, 200000000u));
	}
}

struct ccm_gen_item *ccm_gen_add_file(struct ccm_gen_mctx *c,
				      struct ccm_gen_msg *m, uint64_t size,
				      const char *name, const char *title)
{
	struct ccm_gen *g = c->g;
	enum ccm_gen_flavor fl = CCM_GEN_FL_BINARY;
	char type[5] = "BINA", creator[5] = "CCML";
	struct ccm_date fd;
	int dated = 0;
	struct ccm_gen_item *it;

	if (!name)
		name = ccm_gen_filename(c->a, &c->r,
					ccm_gen_script_of(g->opts.code_page),
					&fl, type, creator);
	if (!title) {
		if (ccm_gen_rng_chance(&c->r, 0.6)) {
			const char *d = ccm_gen_title_date(&fd, g, c->a, &c->r);

			title = ccm_gen_printf(c->a, "%s %s", name, d);
			dated = 1;
		} else {
			title = name;
		}
	}
	it = ccm_gen_new_item(c, m, CCM_ITEM_FILE, "File item", title);
	it->name = name;
	if (dated) {
		it->has_file_date = 1;
		it->file_date = fd;
	}
	memcpy(it->mac_type, type, 5);
	memcpy(it->mac_creator, creator, 5);
	ccm_gen_set_stream(c, it, size, fl);
	return it;
}

uint64_t ccm_gen_attachment_size(struct ccm_gen_mctx *c)
{
	uint64_t max = c->g->opts.max_attachment;

	if (ccm_gen_rng_chance(&c->r, 0.02))
		return 0;
	return ccm_gen_rng_logu(&c->r, 1, max);
}

static const unsigned char pcx_head[] = {
	0x0a, 0x05, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0xbf, 0x06, 0xc7, 0x08,
	0xc8, 0x00, 0xc8, 0x00
};

void ccm_gen_add_fax(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	int named = ccm_gen_rng_chance(&c->r, 0.5);
	const char *title = named ? "fax0001.pcx" : "Fax from (425) 555-0100";
	struct ccm_gen_item *it = ccm_gen_new_item(c, m, CCM_ITEM_FAX,
						   "Fax item", title);
	uint64_t size = ccm_gen_rng_logu(&c->r, 128, 200000);

	if (size > c->g->opts.max_attachment && c->g->opts.max_attachment >= 128)
		size = c->g->opts.max_attachment;
	it->name = named ? title : ccm_gen_printf(c->a, "%s.pcx", title);
	memcpy(it->mac_type, "PCXf", 5);
	memcpy(it->mac_creator, "FAXx", 5);
	ccm_gen_set_stream(c, it, size, CCM_GEN_FL_BINARY);
	if (size >= sizeof(pcx_head) && it->priv->n_ov < CCM_GEN_MAX_OVERLAYS &&
	    c->g->opts.item_sizes)
		it->priv->ov[it->priv->n_ov++] = (struct ccm_gen_overlay){
			0, pcx_head, sizeof(pcx_head) };
}

void ccm_gen_add_graphics(struct ccm_gen_mctx *c, struct ccm_gen_msg *m)
{
	struct ccm_gen_item *it = ccm_gen_new_item(c, m, CCM_ITEM_GRAPHICS,
						   "Graphics item", "sketch");

	it->name = "sketch";
	ccm_gen_set_stream(c, it, ccm_gen_rng_logu(&c->r, 16, 30000),
			   CCM_GEN_FL_BINARY);
}

