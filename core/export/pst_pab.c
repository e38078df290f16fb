/* pst_pab.c: a mailbox's personal address book as the Contacts folder of its PST file. */
#include "export/pst_pab.h"
#include "store/pab.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ccm_pst_split_address(char **type, char **email, const char *address, const char *name)
{
	const char *colon = address ? strchr(address, ':') : NULL;

	if (colon && colon != address) {
		*type = strndup(address, (size_t)(colon - address));
		*email = strdup(colon + 1);
	} else {
		*type = strdup("CCMAIL");
		*email = strdup(address ? address : name ? name : "");
	}
}

/* One item of the book, copied from its cursor. */
struct item {
	long long id;
	int is_list;
	char *name, *email, *first, *last, *note, *fields;
	char *type, *address;            /* email split; NULL when none */
	uint32_t nid;
};

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void items_free(struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name); free(v[i].email); free(v[i].first); free(v[i].last);
		free(v[i].note); free(v[i].fields); free(v[i].type); free(v[i].address);
	}
	free(v);
}

static int items_read(struct item **out, size_t *n, struct ccm_store *s, long long mailbox,
		      struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_pab_item it;
	struct item *v = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ccm_store_pab_items(&c, s, mailbox, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_pab_item(c, &it, err)) > 0) {
		struct item *x = realloc(v, (*n + 1) * sizeof(*x));

		if (!x) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		v = x;
		x = &v[(*n)++];
		memset(x, 0, sizeof(*x));
		x->id = it.id;
		x->is_list = !strcmp(it.kind, "dl");
		x->name = strdup(it.display_name ? it.display_name : "");
		x->email = dup(it.email);
		x->first = dup(it.first_name);
		x->last = dup(it.last_name);
		x->note = dup(it.note);
		x->fields = dup(it.fields);
		if (it.email && *it.email)
			ccm_pst_split_address(&x->type, &x->address, it.email, NULL);
	}
	ccm_store_cursor_free(c);
	*out = v;
	return rc < 0 ? rc : 0;
}

/* The item named `name`: the same spelling first, else ignoring case. */
static const struct item *named(const struct item *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* The PAB columns (docs/store.md) that have a contact property. */
static const struct { const char *name; size_t off; } columns[] = {
#define F(n, field) { n, offsetof(struct ccm_pst_contact, field) }
	F("Address", street), F("City", city), F("State", state), F("Zip", postal_code),
	F("Country", country), F("Title", title), F("Company", company),
	F("Department", department), F("Office", office), F("Assistant", assistant),
	F("Bus-Num", business_phone), F("Bus2-Num", business2_phone),
	F("Assist-Num", assistant_phone), F("Fax-Num", business_fax),
	F("Home-Num", home_phone), F("Home2-Num", home2_phone),
	F("Mobile-Num", mobile_phone), F("Pager-Num", pager),
#undef F
};

static int write_contact(struct ccm_pst *p, uint32_t folder, const struct item *x,
			 struct ccm_error *err)
{
	struct ccm_pst_contact c;
	struct ccm_buf body = CCM_BUF_INIT, fields = CCM_BUF_INIT;
	int rc;

	memset(&c, 0, sizeof(c));
	c.display_name = x->name;
	c.given_name = x->first;
	c.surname = x->last;
	c.addrtype = x->type;
	c.email = x->address;
	if (x->note && *x->note)
		ccm_buf_adds(&body, x->note);
	/* Name=value lines: each known one into its field (the values stay
	 * in `fields`, NUL-separated), the others into the body. */
	ccm_buf_adds(&fields, x->fields ? x->fields : "");
	for (char *line = fields.ptr, *next; line && *line; line = next) {
		char *eq, *nl = strchr(line, '\n');
		size_t k;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		if (!(eq = strchr(line, '=')))
			continue;
		*eq = 0;
		for (k = 0; k < sizeof(columns) / sizeof(columns[0]); k++)
			if (!strcasecmp(columns[k].name, line))
				break;
		if (k < sizeof(columns) / sizeof(columns[0])) {
			*(const char **)((char *)&c + columns[k].off) = eq + 1;
		} else {
			ccm_buf_addf(&body, "%s%s: %s", body.len ? "\r\n" : "", line, eq + 1);
		}
	}
	c.body = body.len ? body.ptr : NULL;
	rc = ccm_pst_contact_add(p, folder, x->nid, &c, err);
	ccm_buf_release(&body);
	ccm_buf_release(&fields);
	return rc;
}

static int write_list(struct ccm_pst *p, struct ccm_store *s, uint32_t folder,
		      const struct item *v, size_t n, const struct item *x, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_pst_dl_member *m = NULL;
	char **hold = NULL;              /* the members' strings, two each */
	size_t k = 0;
	const char *member;
	int rc;

	if ((rc = ccm_store_pab_members(&c, s, x->id, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_pab_member(c, &member, err)) > 0) {
		const struct item *to = named(v, n, member);
		struct ccm_pst_dl_member *mm = realloc(m, (k + 1) * sizeof(*mm));
		char **hh = mm ? realloc(hold, (2 * k + 2) * sizeof(*hh)) : NULL;

		if (mm)
			m = mm;
		if (!hh) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		hold = hh;
		memset(&m[k], 0, sizeof(m[k]));
		hold[2 * k] = hold[2 * k + 1] = NULL;
		if (to && to != x) {
			m[k].nid = to->nid;
			m[k].is_list = to->is_list;
			m[k].name = to->name;
			m[k].addrtype = to->is_list ? "MAPIPDL" : to->type;
			m[k].email = to->is_list ? "" : to->address;
		} else {
			ccm_pst_split_address(&hold[2 * k], &hold[2 * k + 1], member, NULL);
			m[k].name = member[0] ? hold[2 * k + 1] : "";
			m[k].addrtype = hold[2 * k];
			m[k].email = hold[2 * k + 1];
		}
		k++;
	}
	ccm_store_cursor_free(c);
	if (rc == 0)
		rc = ccm_pst_dlist_add(p, folder, x->nid, x->name, m, k, x->note, err);
	for (size_t i = 0; i < 2 * k; i++)
		free(hold[i]);
	free(hold);
	free(m);
	return rc;
}

int ccm_pst_export_pab(struct ccm_pst *p, struct ccm_store *s, long long mailbox,
		       const char *folder_name, unsigned long *contacts, unsigned long *lists,
		       struct ccm_error *err)
{
	struct item *v;
	size_t n;
	uint32_t folder;
	int rc = items_read(&v, &n, s, mailbox, err);

	if (rc < 0 || n == 0) {
		items_free(v, n);
		return rc;
	}
	if ((rc = ccm_pst_folder_add(&folder, p, 0, folder_name, CCM_PST_CONTACTS, err)) < 0) {
		items_free(v, n);
		return rc;
	}
	/* NIDs first, so that a list can name an item written after it. */
	for (size_t i = 0; i < n; i++)
		v[i].nid = ccm_pst_item_nid(p);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (v[i].is_list) {
			rc = write_list(p, s, folder, v, n, &v[i], err);
			*lists += rc == 0;
		} else {
			rc = write_contact(p, folder, &v[i], err);
			*contacts += rc == 0;
		}
	}
	if (rc == 0)
		rc = ccm_pst_folder_done(p, folder, err);
	items_free(v, n);
	return rc;
}
