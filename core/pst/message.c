/* message.c: messages of a PST file, their recipients and attachments, embedded to any depth. */
#include "pst/messaging_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct ccm_pst_msg {
	struct ccm_pst *p;
	uint32_t folder;
	struct ccm_pst_msg *parent;
	char *attach_name;
	struct ccm_pst_message m;
	struct ccm_pst_sublist subs;          /* attachments and LTP subnodes */
	struct ccm_pst_rows attach_rows;
	uint32_t next_ltp, next_attach;
	unsigned long long size;              /* PR_MESSAGE_SIZE, as near as known */
};

/* Values kept in memory before an attachment is streamed instead. */
#define ATTACH_IN_MEMORY (64 * 1024)
#define READ_PIECE (64 * 1024)

enum { MSGFLAG_READ = 0x01, MSGFLAG_UNSENT = 0x08, MSGFLAG_HASATTACH = 0x10 };
enum { ATTACH_BY_VALUE = 1, ATTACH_EMBEDDED_MSG = 5 };

unsigned long long ccm_pst_message_base_size(size_t body_len)
{
	/* The fixed properties and tables, and the body in UTF-16. */
	return 1024 + 2 * (unsigned long long)body_len;
}

int ccm_pst_msg_begin(struct ccm_pst_msg **out, struct ccm_pst *p, uint32_t folder,
		      struct ccm_pst_msg *parent, const char *attach_name,
		      const struct ccm_pst_message *m, struct ccm_error *err)
{
	struct ccm_pst_msg *x;
	int rc;

	*out = NULL;
	if ((rc = ccm_pst_failed(p, err)) < 0)
		return rc;
	x = calloc(1, sizeof(*x));
	if (!x || !(x->attach_name = strdup(attach_name ? attach_name : ""))) {
		free(x);
		return ccm_pst_fail(p, ccm_error_set(err, CCM_ENOMEM, "out of memory"), err);
	}
	x->p = p;
	x->folder = folder;
	x->parent = parent;
	x->m = *m;
	x->next_ltp = 1;
	x->next_attach = 1;
	x->size = ccm_pst_message_base_size(m->body_len);
	ccm_buf_init(&x->attach_rows.buf);
	*out = x;
	return 0;
}

void ccm_pst_msg_abort(struct ccm_pst_msg *m)
{
	if (!m)
		return;
	ccm_pst_sublist_release(&m->subs);
	ccm_pst_rows_release(&m->attach_rows);
	free(m->attach_name);
	free(m);
}

/* The properties of an attachment's PC and its row in the table. */
static void attach_props(struct ccm_pst_plist *l, const char *name, unsigned long long size,
			 long long position, int method)
{
	ccm_pst_plist_long(l, 0x3705, method);                         /* PR_ATTACH_METHOD */
	ccm_pst_plist_long(l, 0x370B, (int32_t)position);              /* PR_RENDERING_POSITION */
	ccm_pst_plist_long(l, 0x0E20, (int32_t)(size > 0x7FFFFFFF ? 0x7FFFFFFF : size));
	ccm_pst_plist_str(l, 0x3704, name);                            /* PR_ATTACH_FILENAME_W */
}

/* Writes attachment PC `l` (its own subnodes in `sub`) and adds it to
 * message m's subnodes and attachment table. */
static int add_attachment(struct ccm_pst_msg *m, struct ccm_pst_plist *l,
			  struct ccm_pst_sublist *sub, uint32_t *next_index,
			  const char *name, unsigned long long size, long long position,
			  int method, struct ccm_error *err)
{
	struct ccm_pst_ndb *w = ccm_pst_ndb_of(m->p);
	struct ccm_pst_plist row;
	uint64_t data = 0, sbid = 0;
	uint32_t nid;
	int rc;

	if (m->next_attach >= (1u << 26))
		return ccm_error_set(err, CCM_ELIMIT, "too many attachments in one message");
	nid = NID(m->next_attach++, NT_ATTACHMENT);
	ccm_pst_plist_str(l, 0x3707, name);                            /* PR_ATTACH_LONG_FILENAME */
	ccm_pst_plist_str(l, 0x3001, name);                            /* PR_DISPLAY_NAME */
	if ((rc = ccm_pst_put_pc(&data, sub, w, l, next_index, err)) < 0 ||
	    (rc = ccm_pst_sublist_put(&sbid, sub, w, err)) < 0)
		return rc;
	ccm_pst_sublist_add(&m->subs, nid, data, sbid);
	ccm_pst_plist_init(&row);
	attach_props(&row, name, size, position, method);
	ccm_pst_rows_add(&m->attach_rows, nid, &row);
	ccm_pst_plist_release(&row);
	m->size += size;
	return 0;
}

static int msg_attach(struct ccm_pst_msg *m, const char *name, unsigned long long size,
		      long long position, ccm_pst_read_fn read, void *ctx,
		      struct ccm_error *err)
{
	struct ccm_pst_ndb *w = ccm_pst_ndb_of(m->p);
	struct ccm_pst_sublist sub = { NULL, 0, 0 };
	struct ccm_pst_plist l;
	struct ccm_buf small = CCM_BUF_INIT;
	unsigned long long got = 0;
	uint32_t next = 1;
	uint64_t bid = 0;
	char *piece = malloc(READ_PIECE);
	struct ccm_pst_ndb_stream *st = NULL;
	int rc = 0;

	if (!piece)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	/* Small data goes through the LTP (in the heap when it fits);
	 * larger data is streamed into a subnode of the attachment. */
	if (size > ATTACH_IN_MEMORY)
		rc = ccm_pst_ndb_stream_begin(&st, w, err);
	while (rc == 0) {
		long long k = read(ctx, piece, READ_PIECE);

		if (k < 0) {
			/* The callback gives a code only: say where it failed. */
			rc = ccm_error_set(err, k >= CCM_EEXISTS ? (int)k : CCM_EIO,
					   "attachment '%s': its data could not be read after "
					   "%llu of %llu bytes", name, got, size);
			break;
		}
		if ((unsigned long long)k > READ_PIECE) {
			rc = ccm_error_set(err, CCM_EINVAL,
					   "attachment '%s': %lld bytes read into %d", name, k,
					   READ_PIECE);
			break;
		}
		if (k == 0)
			break;
		got += (unsigned long long)k;
		if (got > size)
			break;
		if (st)
			rc = ccm_pst_ndb_stream_write(st, piece, (size_t)k, err);
		else
			ccm_buf_add(&small, piece, (size_t)k);
	}
	free(piece);
	if (rc == 0 && got != size)
		rc = ccm_error_set(err, CCM_EMALFORMED,
				   "attachment '%s': %llu bytes, not the %llu its size says",
				   name, got, size);
	/* A stream not ended after a failure is freed when the caller
	 * aborts the file, as it must. */
	if (st && rc == 0)
		rc = ccm_pst_ndb_stream_end(&bid, st, err);
	ccm_pst_plist_init(&l);
	attach_props(&l, name, size, position, ATTACH_BY_VALUE);
	if (rc == 0 && st) {
		uint32_t dn = NID(next++, CCM_PST_NID_TYPE_LTP);

		ccm_pst_sublist_add(&sub, dn, bid, 0);
		ccm_pst_plist_nid(&l, 0x3701, CCM_PST_PT_BINARY, dn, size);   /* PR_ATTACH_DATA_BIN */
	} else {
		ccm_pst_plist_bytes(&l, 0x3701, CCM_PST_PT_BINARY, small.ptr, small.len);
	}
	if (rc == 0)
		rc = add_attachment(m, &l, &sub, &next, name, size, position, ATTACH_BY_VALUE, err);
	ccm_pst_sublist_release(&sub);
	ccm_pst_plist_release(&l);
	ccm_buf_release(&small);
	return rc;
}

int ccm_pst_msg_attach(struct ccm_pst_msg *m, const char *name, unsigned long long size,
		       long long position, ccm_pst_read_fn read, void *ctx,
		       struct ccm_error *err)
{
	int rc = ccm_pst_failed(m->p, err);

	if (rc == 0)
		rc = ccm_pst_fail(m->p, msg_attach(m, name, size, position, read, ctx, err), err);
	return rc;
}

/* Names joined with "; " (PR_DISPLAY_TO ...). */
static void display_list(struct ccm_buf *out, const struct ccm_pst_message *m, int kind)
{
	ccm_buf_reset(out);
	for (size_t i = 0; i < m->n_rcpts; i++) {
		const struct ccm_pst_recipient *r = &m->rcpts[i];
		const char *s = r->name && *r->name ? r->name : r->email;

		if (r->kind != kind || !s)
			continue;
		if (out->len)
			ccm_buf_adds(out, "; ");
		ccm_buf_adds(out, s);
	}
}

/* What the contents table shows of a message, and its PC has too. */
static void summary(struct ccm_pst_plist *l, const struct ccm_pst_msg *x, int32_t flags)
{
	const struct ccm_pst_message *m = &x->m;
	struct ccm_buf names = CCM_BUF_INIT;

	ccm_pst_plist_str(l, 0x001A, "IPM.Note");                      /* PR_MESSAGE_CLASS */
	ccm_pst_plist_str(l, 0x0037, m->subject ? m->subject : "");    /* PR_SUBJECT */
	ccm_pst_plist_str(l, 0x0070, m->subject ? m->subject : "");    /* PR_CONVERSATION_TOPIC */
	ccm_pst_plist_long(l, 0x0017, m->importance);                  /* PR_IMPORTANCE */
	ccm_pst_plist_long(l, 0x0036, 0);                              /* PR_SENSITIVITY */
	ccm_pst_plist_long(l, 0x0E07, flags);                          /* PR_MESSAGE_FLAGS */
	ccm_pst_plist_long(l, 0x0E17, 0);                              /* PR_MESSAGE_STATUS */
	ccm_pst_plist_long(l, 0x0E08, (int32_t)(x->size > 0x7FFFFFFF ? 0x7FFFFFFF : x->size));
	ccm_pst_plist_time(l, 0x0039, m->submit_utc);                  /* PR_CLIENT_SUBMIT_TIME */
	ccm_pst_plist_time(l, 0x0E06, m->delivery_utc);                /* PR_MESSAGE_DELIVERY_TIME */
	ccm_pst_plist_time(l, 0x3008, m->delivery_utc);                /* PR_LAST_MODIFICATION_TIME */
	ccm_pst_plist_str(l, 0x0042, m->sender_name);                  /* PR_SENT_REPRESENTING_NAME */
	display_list(&names, m, 1);
	ccm_buf_addch(&names, 0);
	ccm_pst_plist_str(l, 0x0E04, names.ptr);                       /* PR_DISPLAY_TO */
	display_list(&names, m, 2);
	ccm_buf_addch(&names, 0);
	ccm_pst_plist_str(l, 0x0E03, names.ptr);                       /* PR_DISPLAY_CC */
	ccm_buf_release(&names);
}

static void message_props(struct ccm_pst_plist *l, const struct ccm_pst_msg *x, int32_t flags)
{
	const struct ccm_pst_message *m = &x->m;
	struct ccm_buf names = CCM_BUF_INIT;

	summary(l, x, flags);
	ccm_pst_plist_bool(l, 0x0E1B, (flags & MSGFLAG_HASATTACH) != 0);   /* PR_HASATTACH */
	ccm_pst_plist_time(l, 0x3007, m->delivery_utc);                /* PR_CREATION_TIME */
	ccm_pst_plist_str(l, 0x0C1A, m->sender_name);                  /* PR_SENDER_NAME */
	ccm_pst_plist_str(l, 0x0C1E, m->sender_addrtype);              /* PR_SENDER_ADDRTYPE */
	ccm_pst_plist_str(l, 0x0C1F, m->sender_email);                 /* PR_SENDER_EMAIL_ADDRESS */
	ccm_pst_plist_str(l, 0x0064, m->sender_addrtype);              /* PR_SENT_REPRESENTING_ADDRTYPE */
	ccm_pst_plist_str(l, 0x0065, m->sender_email);                 /* PR_SENT_REPRESENTING_EMAIL_ADDRESS */
	display_list(&names, m, 3);
	ccm_buf_addch(&names, 0);
	ccm_pst_plist_str(l, 0x0E02, names.ptr);                       /* PR_DISPLAY_BCC */
	ccm_buf_release(&names);
	if (m->body)
		ccm_pst_plist_str_n(l, 0x1000, m->body, m->body_len);  /* PR_BODY */
	ccm_pst_plist_str(l, 0x007D, m->headers);                      /* PR_TRANSPORT_MESSAGE_HEADERS */
	ccm_pst_plist_long(l, 0x3FDE, 65001);                          /* PR_INTERNET_CPID: UTF-8 */
}

/* A recipient's row ([MS-PST] 2.4.5.2). */
static void recipient_row(struct ccm_pst_plist *l, const struct ccm_pst_recipient *r)
{
	struct ccm_buf key = CCM_BUF_INIT;

	ccm_pst_plist_long(l, 0x0C15, r->kind);                        /* PR_RECIPIENT_TYPE */
	ccm_pst_plist_str(l, 0x3001, r->name ? r->name : r->email);    /* PR_DISPLAY_NAME */
	ccm_pst_plist_str(l, 0x39FF, r->name ? r->name : r->email);    /* PR_7BIT_DISPLAY_NAME */
	ccm_pst_plist_str(l, 0x3002, r->addrtype);                     /* PR_ADDRTYPE */
	ccm_pst_plist_str(l, 0x3003, r->email);                        /* PR_EMAIL_ADDRESS */
	ccm_pst_plist_long(l, 0x0FFE, 6);                              /* PR_OBJECT_TYPE: MAPI_MAILUSER */
	ccm_pst_plist_long(l, 0x3900, 0);                              /* PR_DISPLAY_TYPE: DT_MAILUSER */
	ccm_pst_plist_bool(l, 0x0E0F, 1);                              /* PR_RESPONSIBILITY */
	ccm_pst_plist_bool(l, 0x3A40, 0);                              /* PR_SEND_RICH_INFO */
	/* PR_SEARCH_KEY: "ADDRTYPE:EMAIL" in capitals, with its NUL. */
	ccm_buf_adds(&key, r->addrtype ? r->addrtype : "");
	ccm_buf_addch(&key, ':');
	ccm_buf_adds(&key, r->email ? r->email : "");
	for (size_t i = 0; i < key.len; i++)
		key.ptr[i] = (char)toupper((unsigned char)key.ptr[i]);
	ccm_buf_addch(&key, 0);
	ccm_pst_plist_bytes(l, 0x300B, CCM_PST_PT_BINARY, key.ptr, key.len);
	ccm_buf_release(&key);
}

/* Writes x's node: its data and subnode tree. */
static int write_message(uint64_t *data, uint64_t *sub, struct ccm_pst_msg *x,
			 struct ccm_pst_plist *row, struct ccm_error *err)
{
	struct ccm_pst_ndb *w = ccm_pst_ndb_of(x->p);
	struct ccm_pst_rows rr = { CCM_BUF_INIT, 0 };
	struct ccm_pst_plist l;
	uint64_t bid;
	int32_t flags = (x->m.read ? MSGFLAG_READ : 0) | (x->m.unsent ? MSGFLAG_UNSENT : 0) |
		(x->attach_rows.n ? MSGFLAG_HASATTACH : 0);
	int rc;

	ccm_pst_plist_init(&l);
	message_props(&l, x, flags);
	rc = ccm_pst_put_pc(data, &x->subs, w, &l, &x->next_ltp, err);
	ccm_pst_plist_release(&l);
	for (size_t i = 0; i < x->m.n_rcpts; i++) {
		ccm_pst_plist_init(&l);
		recipient_row(&l, &x->m.rcpts[i]);
		ccm_pst_rows_add(&rr, (uint32_t)i, &l);
		ccm_pst_plist_release(&l);
	}
	if (rc == 0)
		rc = ccm_pst_put_table(&bid, &x->subs, w, ccm_pst_cols_recip, ccm_pst_n_recip, &rr,
				       &x->next_ltp, err);
	if (rc == 0)
		ccm_pst_sublist_add(&x->subs, NID_RECIPIENT_TABLE, bid, 0);
	ccm_pst_rows_release(&rr);
	if (rc == 0 && x->attach_rows.n) {
		rc = ccm_pst_put_table(&bid, &x->subs, w, ccm_pst_cols_attach, ccm_pst_n_attach,
				       &x->attach_rows, &x->next_ltp, err);
		if (rc == 0)
			ccm_pst_sublist_add(&x->subs, NID_ATTACHMENT_TABLE, bid, 0);
	}
	if (rc == 0)
		rc = ccm_pst_sublist_put(sub, &x->subs, w, err);
	if (rc == 0 && row)
		summary(row, x, flags);
	return rc;
}

int ccm_pst_msg_end(struct ccm_pst_msg *x, struct ccm_error *err)
{
	struct ccm_pst_plist row;
	uint64_t data = 0, sub = 0;
	int rc = ccm_pst_failed(x->p, err);

	if (rc < 0) {
		ccm_pst_msg_abort(x);
		return rc;
	}
	ccm_pst_plist_init(&row);
	rc = write_message(&data, &sub, x, x->parent ? NULL : &row, err);
	if (rc == 0 && !x->parent) {
		uint32_t nid = ccm_pst_next_message_nid(x->p);

		rc = ccm_pst_ndb_add_node(ccm_pst_ndb_of(x->p), nid, data, sub, x->folder, err);
		if (rc == 0)
			rc = ccm_pst_folder_row(x->p, x->folder, nid, &row, x->m.read, err);
	} else if (rc == 0) {
		/* Embedded: a subnode of the attachment that carries it. */
		struct ccm_pst_sublist asub = { NULL, 0, 0 };
		struct ccm_pst_plist l;
		uint32_t next = 1, obj = NID(next++, NT_NORMAL_MESSAGE);

		ccm_pst_sublist_add(&asub, obj, data, sub);
		ccm_pst_plist_init(&l);
		attach_props(&l, x->attach_name, x->size, -1, ATTACH_EMBEDDED_MSG);
		ccm_pst_plist_nid(&l, 0x3701, CCM_PST_PT_OBJECT, obj, (size_t)x->size);
		rc = add_attachment(x->parent, &l, &asub, &next, x->attach_name, x->size, -1,
				    ATTACH_EMBEDDED_MSG, err);
		ccm_pst_plist_release(&l);
		ccm_pst_sublist_release(&asub);
	}
	ccm_pst_plist_release(&row);
	rc = ccm_pst_fail(x->p, rc, err);
	ccm_pst_msg_abort(x);
	return rc;
}
