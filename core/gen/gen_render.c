/* gen_render.c: a model message in its written form, with exact counts. */
#include "gen/gen_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

/* ---- sinks ---- */

int ccm_gen_sink_put(struct ccm_gen_sink *s, const void *p, size_t n)
{
	int rc = n ? s->write(s, p, n) : 0;

	if (rc == 0)
		s->pos += n;
	return rc;
}

static int mem_write(struct ccm_gen_sink *s, const void *p, size_t n)
{
	ccm_buf_add(s->mem, p, n);
	return 0;
}

int ccm_gen_sink_mem(struct ccm_buf *out, struct ccm_gen_sink *s)
{
	memset(s, 0, sizeof(*s));
	s->write = mem_write;
	s->mem = out;
	s->fd = -1;
	return 0;
}

void ccm_gen_to_cp(struct ccm_buf *out, struct ccm_gen *g, const char *s,
		   size_t n)
{
	size_t replaced = 0;

	ccm_cp_from_utf8(out, g->priv->cp, s, n, &replaced);
	g->priv->replaced += replaced;
}

/* ---- layout ---- */

static void addr_lines(struct ccm_buf *b, const char *key,
		       const struct ccm_gen_addr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].newline) {
			if (i)
				ccm_buf_add(b, "\r\n", 2);
			ccm_buf_addf(b, "%s: ", key);
		} else {
			ccm_buf_add(b, ", ", 2);
		}
		ccm_buf_adds(b, v[i].text);
	}
	if (n)
		ccm_buf_add(b, "\r\n", 2);
}

static void extras(struct ccm_buf *b, const struct ccm_gen_msg *m)
{
	for (size_t i = 0; i < m->n_extra; i++)
		ccm_buf_addf(b, "%s: %s\r\n", m->extra[i].key, m->extra[i].value);
}

/* The header lines in UTF-8, in the order Export wrote them. */
static void header_text(const struct ccm_gen_msg *m, struct ccm_buf *b)
{
	const struct ccm_gen_msg_priv *p = m->priv;

	if (m->from)
		ccm_buf_addf(b, "From: %s\r\n", m->from);
	if (m->date_text)
		ccm_buf_addf(b, "Date: %s\r\n", m->date_text);
	if (p->extra_early)
		extras(b, m);
	addr_lines(b, "To", m->to, m->n_to);
	addr_lines(b, "Cc", m->cc, m->n_cc);
	addr_lines(b, "Bcc", m->bcc, m->n_bcc);
	if (m->subject)
		ccm_buf_addf(b, "Subject: %s\r\n", m->subject);
	if (m->folder)
		ccm_buf_addf(b, "Folder: %s\r\n", m->folder);
	if (m->priority == CCM_PRIO_URGENT)
		ccm_buf_adds(b, "Priority: Urgent\r\n");
	else if (m->priority == CCM_PRIO_LOW)
		ccm_buf_adds(b, "Priority: Low\r\n");
	else if (p->prio_written)
		ccm_buf_adds(b, "Priority: Normal\r\n");
	if (m->receipt)
		ccm_buf_adds(b, "Receipt: Requested\r\n");
	if (p->status_written || m->status != CCM_STATUS_READ) {
		static const char *const names[] = { "Read", "Unread", "Draft" };
		const char *sep = "";

		ccm_buf_adds(b, "Status: ");
		for (int i = 0; i < 3; i++)
			if (m->status & (1u << i)) {
				ccm_buf_addf(b, "%s%s", sep, names[i]);
				sep = ", ";
			}
		ccm_buf_adds(b, "\r\n");
	}
	if (!p->extra_early)
		extras(b, m);
}

static size_t count_line(char *out, size_t sz, enum ccm_gen_count_style cs,
			 uint64_t n)
{
	int k;

	switch (cs) {
	case CCM_GEN_CS_LINE:
		k = snprintf(out, sz, "%llu\r\n", (unsigned long long)n);
		break;
	case CCM_GEN_CS_BLANK:
		k = snprintf(out, sz, "     \r\n");
		break;
	case CCM_GEN_CS_ZERO:
		k = snprintf(out, sz, "0\r\n");
		break;
	case CCM_GEN_CS_WRONG:
		k = snprintf(out, sz, "%llu\r\n", (unsigned long long)(n / 2));
		break;
	default:
		k = 0;
		out[0] = '\0';
		break;
	}
	return (size_t)k;
}

/* "Message:" or "Contents:" with its count, inline or on the next line. */
static size_t keyword_line(char *out, size_t sz, const char *kw,
			   enum ccm_gen_count_style cs, uint64_t n)
{
	int k;

	if (cs == CCM_GEN_CS_INLINE)
		k = snprintf(out, sz, "%s %llu\r\n", kw, (unsigned long long)n);
	else
		k = snprintf(out, sz, "%s\r\n", kw);
	return (size_t)k + count_line(out + k, sz - (size_t)k, cs, n);
}

static int layout_item(struct ccm_gen *g, struct ccm_gen_arena *a,
		       struct ccm_gen_item *it)
{
	struct ccm_gen_item_priv *p = it->priv;
	struct ccm_buf b = CCM_BUF_INIT, u = CCM_BUF_INIT;
	int rc = 0;

	ccm_buf_addf(&u, "%s:%s%s\r\n", it->keyword, it->title[0] ? " " : "",
		     it->title);
	ccm_gen_to_cp(&b, g, u.ptr, u.len);
	p->line = ccm_gen_memdup(a, b.ptr, b.len);
	p->line_len = b.len;
	ccm_buf_reset(&b);
	switch (it->kind) {
	case CCM_ITEM_TEXT:
		ccm_gen_to_cp(&b, g, it->text, it->text_len);
		p->enc = ccm_gen_memdup(a, b.ptr, b.len);
		p->enc_len = b.len;
		p->data_size = b.len;
		break;
	case CCM_ITEM_MESSAGE:
		rc = ccm_gen_layout(g, it->message);
		p->data_size = it->message->priv->total;
		break;
	default:
		p->data_size = ccm_gen_encoded_size(it, g->opts.encoding);
		break;
	}
	p->count_len = count_line(p->count, sizeof(p->count), p->count_style,
				  p->data_size);
	ccm_buf_release(&b);
	ccm_buf_release(&u);
	return rc < 0 ? rc : (a->oom ? CCM_ENOMEM : 0);
}

int ccm_gen_layout(struct ccm_gen *g, const struct ccm_gen_msg *cm)
{
	struct ccm_gen_msg_priv *p = cm->priv;
	struct ccm_gen_arena *a = p->home;
	struct ccm_buf u = CCM_BUF_INIT, b = CCM_BUF_INIT;
	uint64_t items = 0;
	int rc;

	if (p->laid_out)
		return 0;
	header_text(cm, &u);
	ccm_gen_to_cp(&b, g, u.ptr, u.len);
	p->hdr = ccm_gen_memdup(a, b.ptr, b.len);
	p->hdr_len = b.len;
	ccm_buf_release(&u);
	ccm_buf_release(&b);
	for (size_t i = 0; cm->has_contents && i < cm->n_items; i++) {
		const struct ccm_gen_item *it = &cm->items[i];

		if ((rc = layout_item(g, a, (struct ccm_gen_item *)it)) < 0)
			return rc;
		items += it->priv->line_len + it->priv->count_len +
			 it->priv->data_size + (it->line_end ? 2 : 0);
	}
	p->items_size = items;
	p->contents_len = cm->has_contents
		? keyword_line(p->contents, sizeof(p->contents), "Contents:",
			       p->contents_cs, items)
		: 0;
	p->covered = p->hdr_len + p->contents_len + (cm->has_contents ? items : 0);
	p->head_len = keyword_line(p->head, sizeof(p->head), "Message:",
				   p->msg_cs, p->covered);
	p->total = p->head_len + p->covered;
	p->laid_out = 1;
	return a->oom ? CCM_ENOMEM : 0;
}

/* ---- emitting ---- */

static const char hexdig[] = "0123456789ABCDEF";

static int emit_hex(struct ccm_gen *g, const struct ccm_gen_item *it,
		    struct ccm_gen_sink *s, unsigned char *in, unsigned char *out)
{
	uint64_t off = 0;
	int rc = 0;

	(void)g;
	while (!rc && off < it->size) {
		size_t n = ccm_gen_data_read(it, off, in, CHUNK), o = 0;

		/* CHUNK is a multiple of the line, so lines never straddle. */
		for (size_t i = 0; i < n; i += CCM_GEN_HEX_LINE) {
			size_t e = i + CCM_GEN_HEX_LINE < n ? i + CCM_GEN_HEX_LINE : n;

			for (size_t j = i; j < e; j++) {
				out[o++] = (unsigned char)hexdig[in[j] >> 4];
				out[o++] = (unsigned char)hexdig[in[j] & 15];
			}
			out[o++] = '\r';
			out[o++] = '\n';
		}
		rc = ccm_gen_sink_put(s, out, o);
		off += n;
	}
	return rc;
}

static int emit_stream(const struct ccm_gen_item *it, struct ccm_gen_sink *s,
		       unsigned char *in)
{
	uint64_t off = 0;
	int rc = 0;

	while (!rc && off < it->size) {
		size_t n = ccm_gen_data_read(it, off, in, CHUNK);

		rc = ccm_gen_sink_put(s, in, n);
		off += n;
	}
	return rc;
}

static int emit_zeros(struct ccm_gen_sink *s, uint64_t n)
{
	static const unsigned char z[128];

	return ccm_gen_sink_put(s, z, (size_t)n);
}

static int emit_macbin(const struct ccm_gen_item *it, struct ccm_gen_sink *s,
		       unsigned char *in)
{
	unsigned char h[128];
	int rc;
	uint64_t rs = it->priv->rsrc_len, off = 0;

	ccm_gen_macbin_header(it, h);
	rc = ccm_gen_sink_put(s, h, 128);
	if (!rc)
		rc = emit_stream(it, s, in);
	if (!rc && (it->size & 127))
		rc = emit_zeros(s, 128 - (it->size & 127));
	/* The resource fork: seeded bytes of its own, padded the same way. */
	while (!rc && off < rs) {
		size_t n = rs - off < CHUNK ? (size_t)(rs - off) : CHUNK;
		struct ccm_gen_item fork = *it;
		struct ccm_gen_item_priv fp = *it->priv;

		fp.seed ^= 0x7265736f75726365ULL;
		fp.n_ov = 0;
		fp.flavor = CCM_GEN_FL_BINARY;
		fork.priv = &fp;
		fork.size = rs;
		n = ccm_gen_data_read(&fork, off, in, n);
		rc = ccm_gen_sink_put(s, in, n);
		off += n;
	}
	if (!rc && (rs & 127))
		rc = emit_zeros(s, 128 - (rs & 127));
	return rc;
}

static int emit_data(struct ccm_gen *g, const struct ccm_gen_item *it,
		     struct ccm_gen_sink *s)
{
	unsigned char *in, *out = NULL;
	int rc;

	in = malloc(CHUNK);
	if (g->opts.encoding == CCM_ENC_HEX)
		out = malloc(CHUNK * 2 + CHUNK / CCM_GEN_HEX_LINE * 2 + 2);
	if (!in || (g->opts.encoding == CCM_ENC_HEX && !out)) {
		free(in);
		free(out);
		return CCM_ENOMEM;
	}
	if (g->opts.encoding == CCM_ENC_HEX)
		rc = emit_hex(g, it, s, in, out);
	else if (g->opts.encoding == CCM_ENC_MACBIN2 && it->macbinary)
		rc = emit_macbin(it, s, in);
	else
		rc = emit_stream(it, s, in);
	free(in);
	free(out);
	return rc;
}

int ccm_gen_emit(struct ccm_gen *g, const struct ccm_gen_msg *m,
		 struct ccm_gen_sink *s)
{
	struct ccm_gen_msg_priv *p = m->priv;
	int rc;

	if ((rc = ccm_gen_layout(g, m)) < 0)
		return rc;
	rc = ccm_gen_sink_put(s, p->head, p->head_len);
	if (!rc)
		rc = ccm_gen_sink_put(s, p->hdr, p->hdr_len);
	if (!rc && m->has_contents)
		rc = ccm_gen_sink_put(s, p->contents, p->contents_len);
	for (size_t i = 0; !rc && m->has_contents && i < m->n_items; i++) {
		const struct ccm_gen_item *it = &m->items[i];
		const struct ccm_gen_item_priv *ip = it->priv;

		rc = ccm_gen_sink_put(s, ip->line, ip->line_len);
		if (!rc)
			rc = ccm_gen_sink_put(s, ip->count, ip->count_len);
		if (!rc && m->truncated && i == m->n_items - 1)
			p->cut = s->pos + ip->data_size / 2;
		if (rc)
			break;
		if (it->kind == CCM_ITEM_TEXT)
			rc = ccm_gen_sink_put(s, ip->enc, ip->enc_len);
		else if (it->kind == CCM_ITEM_MESSAGE)
			rc = ccm_gen_emit(g, it->message, s);
		else
			rc = emit_data(g, it, s);
		if (!rc && it->line_end)
			rc = ccm_gen_sink_put(s, "\r\n", 2);
	}
	return rc;
}

int ccm_gen_render(struct ccm_buf *out, struct ccm_gen *g,
		   const struct ccm_gen_msg *m)
{
	struct ccm_gen_sink s;

	ccm_gen_sink_mem(out, &s);
	return ccm_gen_emit(g, m, &s);
}

long long ccm_gen_item_read(struct ccm_gen *g, const struct ccm_gen_item *it,
			    uint64_t offset, void *buf, size_t n)
{
	struct ccm_buf b = CCM_BUF_INIT;
	long long got;
	int rc;

	if (it->kind != CCM_ITEM_MESSAGE)
		return (long long)ccm_gen_data_read(it, offset, buf, n);
	/* Nested messages are small: render the block and cut the window. */
	rc = ccm_gen_render(&b, g, it->message);
	if (rc < 0) {
		ccm_buf_release(&b);
		return rc;
	}
	if (offset >= b.len) {
		got = 0;
	} else {
		got = (long long)(b.len - offset < n ? b.len - offset : n);
		memcpy(buf, b.ptr + offset, (size_t)got);
	}
	ccm_buf_release(&b);
	return got;
}
