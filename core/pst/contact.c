/* contact.c: contacts and personal distribution lists of a PST file ([MS-OXOCNTC]). */
#include "pst/messaging_int.h"
#include "pst/crc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* PSETID_Address LIDs ([MS-OXPROPS]). */
enum {
	LID_FILE_UNDER = 0x8005,
	LID_POSTAL_ADDRESS_ID = 0x8022,
	LID_WORK_ADDRESS = 0x801B,
	LID_AB_EMAIL_LIST = 0x8028,        /* PidLidAddressBookProviderEmailList */
	LID_AB_ARRAY_TYPE = 0x8029,        /* PidLidAddressBookProviderArrayType */
	LID_WORK_STREET = 0x8045, LID_WORK_CITY, LID_WORK_STATE, LID_WORK_POSTAL_CODE,
	LID_WORK_COUNTRY,
	LID_DL_CHECKSUM = 0x804C,
	LID_DL_NAME = 0x8053,
	LID_DL_ONE_OFF_MEMBERS = 0x8054,
	LID_DL_MEMBERS = 0x8055,
	LID_EMAIL1_DISPLAY_NAME = 0x8080,
	LID_EMAIL1_ADDRTYPE = 0x8082,
	LID_EMAIL1_ADDRESS = 0x8083,
	LID_EMAIL1_ORIGINAL_DISPLAY_NAME = 0x8084,
	LID_EMAIL1_ORIGINAL_ENTRY_ID = 0x8085,
};

static const uint32_t lids[] = {
	LID_FILE_UNDER, LID_POSTAL_ADDRESS_ID, LID_WORK_ADDRESS, LID_AB_EMAIL_LIST,
	LID_AB_ARRAY_TYPE, LID_WORK_STREET, LID_WORK_CITY, LID_WORK_STATE,
	LID_WORK_POSTAL_CODE, LID_WORK_COUNTRY, LID_DL_CHECKSUM, LID_DL_NAME,
	LID_DL_ONE_OFF_MEMBERS, LID_DL_MEMBERS, LID_EMAIL1_DISPLAY_NAME, LID_EMAIL1_ADDRTYPE,
	LID_EMAIL1_ADDRESS, LID_EMAIL1_ORIGINAL_DISPLAY_NAME, LID_EMAIL1_ORIGINAL_ENTRY_ID,
};

/* Outlook refuses a list's member properties from this size on. */
#define DL_MEMBERS_MAX 15000

void ccm_pst_contact_names(struct ccm_pst_namemap *m)
{
	for (size_t i = 0; i < sizeof(lids) / sizeof(lids[0]); i++)
		ccm_pst_namemap_lid(m, ccm_pst_psetid_address, lids[i]);
}

static uint16_t lid(struct ccm_pst *p, uint32_t l)
{
	return ccm_pst_namemap_lid(ccm_pst_names(p), ccm_pst_psetid_address, l);
}

uint32_t ccm_pst_item_nid(struct ccm_pst *p)
{
	return ccm_pst_next_message_nid(p);
}

struct ccm_pst_col *ccm_pst_contact_cols(struct ccm_pst *p, size_t *n)
{
	const uint16_t extra[] = {
		0x3001, 0x3A06, 0x3A11, 0x3A16,    /* display name, given, surname, company */
		lid(p, LID_FILE_UNDER), lid(p, LID_EMAIL1_DISPLAY_NAME),
		lid(p, LID_EMAIL1_ADDRESS), lid(p, LID_DL_NAME),
	};
	size_t k = sizeof(extra) / sizeof(extra[0]);
	struct ccm_pst_col *c = malloc((ccm_pst_n_contents + k) * sizeof(*c));

	if (!c)
		return NULL;
	memcpy(c, ccm_pst_cols_contents, ccm_pst_n_contents * sizeof(*c));
	for (size_t i = 0; i < k; i++) {
		c[ccm_pst_n_contents + i].id = extra[i];
		c[ccm_pst_n_contents + i].type = CCM_PST_PT_UNICODE;
	}
	*n = ccm_pst_n_contents + k;
	return c;
}

/* A one-off entry id ([MS-OXCDATA] 2.2.5.1), Unicode, appended to out. */
static void one_off(struct ccm_buf *out, const char *name, const char *type, const char *email)
{
	static const unsigned char head[24] = {
		0, 0, 0, 0,                                      /* flags */
		0x81, 0x2B, 0x1F, 0xA4, 0xBE, 0xA3, 0x10, 0x19,  /* MAPI_ONE_OFF_UID */
		0x9D, 0x6E, 0x00, 0xDD, 0x01, 0x0F, 0x54, 0x02,
		0, 0,                                            /* version */
		0x01, 0x80 };    /* MAPI_ONE_OFF_UNICODE | MAPI_ONE_OFF_NO_RICH_INFO */
	const char *s[3] = { name, type, email };

	ccm_buf_add(out, head, sizeof(head));
	for (int k = 0; k < 3; k++) {
		const char *v = s[k] ? s[k] : "";

		ccm_pst_utf16(out, v, strlen(v));
		ccm_buf_add(out, "\0", 2);
	}
}

/* A wrapped entry id ([MS-OXOCNTC] 2.2.2.2.4.1.1) naming item nid:
 * type 0xC3 a contact's first address, 0xB4 a list. */
static void wrapped(struct ccm_buf *out, struct ccm_pst *p, uint32_t nid, int is_list)
{
	static const unsigned char head[20] = {
		0, 0, 0, 0,
		0xC0, 0x91, 0xAD, 0xD3, 0x51, 0x9D, 0xCF, 0x11,
		0xA4, 0xA9, 0x00, 0xAA, 0x00, 0x47, 0xFA, 0xA4 };
	unsigned char eid[24];

	ccm_buf_add(out, head, sizeof(head));
	ccm_buf_addch(out, is_list ? 0xB4 : 0xC3);
	ccm_pst_entry_id(eid, p, nid);
	ccm_buf_add(out, eid, sizeof(eid));
}

/* A string property, left out when empty (a PAB column with no value). */
static void str(struct ccm_pst_plist *l, uint16_t id, const char *s)
{
	if (s && *s)
		ccm_pst_plist_str(l, id, s);
}

/* What a contact's and a list's PC and contents row share. */
static void summary(struct ccm_pst_plist *l, struct ccm_pst *p, const char *cls,
		    const char *name, const char *file_under)
{
	ccm_pst_plist_str(l, 0x001A, cls);                             /* PR_MESSAGE_CLASS */
	ccm_pst_plist_str(l, 0x0037, name);                            /* PR_SUBJECT */
	ccm_pst_plist_str(l, 0x3001, name);                            /* PR_DISPLAY_NAME */
	ccm_pst_plist_long(l, 0x0E07, 0x01);                           /* PR_MESSAGE_FLAGS: read */
	ccm_pst_plist_long(l, 0x0E17, 0);                              /* PR_MESSAGE_STATUS */
	ccm_pst_plist_long(l, 0x0017, 1);                              /* PR_IMPORTANCE */
	ccm_pst_plist_long(l, 0x0036, 0);                              /* PR_SENSITIVITY */
	ccm_pst_plist_str(l, lid(p, LID_FILE_UNDER), file_under);
}

/* Writes item nid (PC l and an empty recipient table) and its row. */
static int write_item(struct ccm_pst *p, uint32_t folder, uint32_t nid, struct ccm_pst_plist *l,
		      struct ccm_pst_plist *row, struct ccm_error *err)
{
	struct ccm_pst_ndb *w = ccm_pst_ndb_of(p);
	struct ccm_pst_sublist subs = { NULL, 0, 0 };
	struct ccm_pst_rows none = { CCM_BUF_INIT, 0 };
	uint64_t data = 0, sub = 0, bid;
	uint32_t next = 1;
	int rc;

	/* PR_MESSAGE_SIZE: its values' bytes, near enough for the views. */
	ccm_pst_plist_long(l, 0x0E08, (int32_t)(l->data.len > 0x7FFFFFF ? 0x7FFFFFF : l->data.len));
	ccm_pst_plist_long(l, 0x3FDE, 65001);                          /* PR_INTERNET_CPID */
	rc = ccm_pst_put_pc(&data, &subs, w, l, &next, err);
	if (rc == 0)
		rc = ccm_pst_put_table(&bid, &subs, w, ccm_pst_cols_recip, ccm_pst_n_recip, &none,
				       &next, err);
	if (rc == 0) {
		ccm_pst_sublist_add(&subs, NID_RECIPIENT_TABLE, bid, 0);
		rc = ccm_pst_sublist_put(&sub, &subs, w, err);
	}
	ccm_pst_sublist_release(&subs);
	if (rc == 0)
		rc = ccm_pst_folder_row(p, folder, nid, row, 1, err);
	if (rc == 0)
		rc = ccm_pst_ndb_add_node(w, nid, data, sub, folder, err);
	return rc;
}

/* "a (b)", the form Outlook shows an address in. */
static void with_address(struct ccm_buf *out, const char *name, const char *email)
{
	ccm_buf_reset(out);
	ccm_buf_addf(out, "%s (%s)", name, email);
}

int ccm_pst_contact_add(struct ccm_pst *p, uint32_t folder, uint32_t nid,
			const struct ccm_pst_contact *c, struct ccm_error *err)
{
	static const struct { size_t off; uint16_t id; } tags[] = {
#define T(field, id) { offsetof(struct ccm_pst_contact, field), id }
		T(given_name, 0x3A06), T(surname, 0x3A11), T(company, 0x3A16),
		T(title, 0x3A17), T(department, 0x3A18), T(office, 0x3A19),
		T(assistant, 0x3A30), T(business_phone, 0x3A08), T(business2_phone, 0x3A1B),
		T(assistant_phone, 0x3A2E), T(business_fax, 0x3A24), T(home_phone, 0x3A09),
		T(home2_phone, 0x3A2F), T(mobile_phone, 0x3A1C), T(pager, 0x3A21),
		/* The mailing address (the work address, PidLidPostalAddressId 2). */
		T(street, 0x3A29), T(city, 0x3A27), T(state, 0x3A28), T(postal_code, 0x3A2A),
		T(country, 0x3A26),
#undef T
	};
	const char *const work[5] = { c->street, c->city, c->state, c->postal_code, c->country };
	const char *name = c->display_name ? c->display_name : "";
	struct ccm_pst_plist l, row;
	struct ccm_buf b = CCM_BUF_INIT;
	int rc, have_work = 0;

	ccm_pst_plist_init(&l);
	ccm_pst_plist_init(&row);
	for (int pass = 0; pass < 2; pass++) {
		struct ccm_pst_plist *x = pass ? &row : &l;

		summary(x, p, "IPM.Contact", name, name);
		str(x, 0x3A06, c->given_name);
		str(x, 0x3A11, c->surname);
		str(x, 0x3A16, c->company);
		if (c->email) {
			with_address(&b, name, c->email);
			str(x, lid(p, LID_EMAIL1_DISPLAY_NAME), b.ptr);
			str(x, lid(p, LID_EMAIL1_ADDRESS), c->email);
		}
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		str(&l, tags[i].id, *(const char *const *)((const char *)c + tags[i].off));
	if (c->email) {
		unsigned char list[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };   /* {Email1} */

		str(&l, lid(p, LID_EMAIL1_ADDRTYPE), c->addrtype);
		str(&l, lid(p, LID_EMAIL1_ORIGINAL_DISPLAY_NAME), c->email);
		ccm_buf_reset(&b);
		one_off(&b, name, c->addrtype, c->email);
		ccm_pst_plist_bytes(&l, lid(p, LID_EMAIL1_ORIGINAL_ENTRY_ID), CCM_PST_PT_BINARY,
				    b.ptr, b.len);
		/* In the Outlook Address Book: its first e-mail address. */
		ccm_pst_plist_bytes(&l, lid(p, LID_AB_EMAIL_LIST),
				    CCM_PST_PT_LONG | CCM_PST_PT_MV, list, sizeof(list));
		list[0] = 1;
		ccm_pst_plist_bytes(&l, lid(p, LID_AB_ARRAY_TYPE), CCM_PST_PT_LONG, list, 4);
	}
	ccm_buf_reset(&b);
	for (int k = 0; k < 5; k++) {
		if (!work[k] || !*work[k])
			continue;
		have_work = 1;
		if (b.len)
			ccm_buf_adds(&b, k == 2 || k == 3 ? " " : "\r\n");
		ccm_buf_adds(&b, work[k]);
	}
	if (have_work) {
		str(&l, lid(p, LID_WORK_STREET), c->street);
		str(&l, lid(p, LID_WORK_CITY), c->city);
		str(&l, lid(p, LID_WORK_STATE), c->state);
		str(&l, lid(p, LID_WORK_POSTAL_CODE), c->postal_code);
		str(&l, lid(p, LID_WORK_COUNTRY), c->country);
		str(&l, lid(p, LID_WORK_ADDRESS), b.ptr);
		str(&l, 0x3A15, b.ptr);                                /* PR_POSTAL_ADDRESS */
		ccm_pst_plist_long(&l, lid(p, LID_POSTAL_ADDRESS_ID), 2);
	}
	str(&l, 0x1000, c->body);                                     /* PR_BODY */
	rc = write_item(p, folder, nid, &l, &row, err);
	ccm_buf_release(&b);
	ccm_pst_plist_release(&l);
	ccm_pst_plist_release(&row);
	return rc;
}

/* A PtypMultipleBinary value from values laid end to end in `data`,
 * value i from ends[i - 1] (0) to ends[i]. */
static void multiple(struct ccm_buf *out, const struct ccm_buf *data, const size_t *ends, size_t n)
{
	unsigned char x[4];
	size_t start = 4 + 4 * n;

	for (int k = 0; k < 4; k++)
		x[k] = (unsigned char)(n >> (8 * k));
	ccm_buf_add(out, x, 4);
	for (size_t i = 0; i < n; i++) {
		size_t at = start + (i ? ends[i - 1] : 0);

		for (int k = 0; k < 4; k++)
			x[k] = (unsigned char)(at >> (8 * k));
		ccm_buf_add(out, x, 4);
	}
	ccm_buf_add(out, data->ptr, n ? ends[n - 1] : 0);
}

int ccm_pst_dlist_add(struct ccm_pst *p, uint32_t folder, uint32_t nid, const char *name,
		      const struct ccm_pst_dl_member *m, size_t n, const char *body,
		      struct ccm_error *err)
{
	struct ccm_buf ids = CCM_BUF_INIT, offs = CCM_BUF_INIT, one = CCM_BUF_INIT,
		text = CCM_BUF_INIT, v = CCM_BUF_INIT;
	size_t *id_end = calloc(n + 1, sizeof(size_t)), *off_end = calloc(n + 1, sizeof(size_t));
	struct ccm_pst_plist l, row;
	size_t kept = 0;
	int rc;

	if (!id_end || !off_end) {
		free(id_end);
		free(off_end);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	if (!name)
		name = "";
	for (size_t i = 0; i < n; i++) {
		size_t id_len = ids.len, off_len = offs.len;

		ccm_buf_reset(&one);
		if (m[i].nid)
			wrapped(&one, p, m[i].nid, m[i].is_list);
		else
			one_off(&one, m[i].name, m[i].addrtype, m[i].email);
		ccm_buf_add(&ids, one.ptr, one.len);
		one_off(&offs, m[i].name, m[i].addrtype, m[i].email);
		if (4 + 4 * (i + 1) + ids.len >= DL_MEMBERS_MAX ||
		    4 + 4 * (i + 1) + offs.len >= DL_MEMBERS_MAX) {
			ccm_buf_truncate(&ids, id_len);
			ccm_buf_truncate(&offs, off_len);
			break;
		}
		id_end[i] = ids.len;
		off_end[i] = offs.len;
		kept = i + 1;
	}
	if (body && *body)
		ccm_buf_addf(&text, "%s\r\n\r\n", body);
	ccm_buf_adds(&text, "Members:\r\n");
	for (size_t i = 0; i < n; i++) {
		const char *who = m[i].name && *m[i].name ? m[i].name : m[i].email;

		ccm_buf_adds(&text, who ? who : "");
		if (m[i].email && *m[i].email && (!m[i].name || strcmp(m[i].name, m[i].email)))
			ccm_buf_addf(&text, " <%s%s%s>", m[i].addrtype ? m[i].addrtype : "",
				     m[i].addrtype ? ":" : "", m[i].email);
		ccm_buf_adds(&text, "\r\n");
	}
	ccm_pst_plist_init(&l);
	ccm_pst_plist_init(&row);
	summary(&l, p, "IPM.DistList", name, name);
	summary(&row, p, "IPM.DistList", name, name);
	ccm_pst_plist_str(&l, lid(p, LID_DL_NAME), name);
	ccm_pst_plist_str(&row, lid(p, LID_DL_NAME), name);
	multiple(&v, &ids, id_end, kept);
	ccm_pst_plist_bytes(&l, lid(p, LID_DL_MEMBERS), CCM_PST_PT_BINARY | CCM_PST_PT_MV,
			    v.ptr, v.len);
	/* The checksum: the CRC-32 of the members' entry ids end to end. */
	ccm_pst_plist_long(&l, lid(p, LID_DL_CHECKSUM),
			   (int32_t)ccm_pst_crc(0, ids.ptr, kept ? id_end[kept - 1] : 0));
	ccm_buf_reset(&v);
	multiple(&v, &offs, off_end, kept);
	ccm_pst_plist_bytes(&l, lid(p, LID_DL_ONE_OFF_MEMBERS), CCM_PST_PT_BINARY | CCM_PST_PT_MV,
			    v.ptr, v.len);
	ccm_pst_plist_str(&l, 0x1000, text.ptr);                       /* PR_BODY */
	rc = write_item(p, folder, nid, &l, &row, err);
	ccm_pst_plist_release(&l);
	ccm_pst_plist_release(&row);
	ccm_buf_release(&ids);
	ccm_buf_release(&offs);
	ccm_buf_release(&one);
	ccm_buf_release(&text);
	ccm_buf_release(&v);
	free(id_end);
	free(off_end);
	return rc;
}
