/* gen_model.c: the model of a whole post office: directory, lists, files. */
#include "gen/gen_int.h"

#include <stdlib.h>
#include <string.h>

void ccm_gen_opts_init(struct ccm_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->users = 20;
	o->messages = 20;
	o->max_attachment = 1024 * 1024;
	o->attachment_share = 0.1;
	o->encoding = CCM_ENC_MACBIN2;
	o->item_sizes = 1;
	o->code_page = 850;
	o->date_order = CCM_DATE_MDY;
	o->time_zone = "America/New_York";
	o->post_office = "SALESPO";
}

/* A set of folded names, so that generated names are unique but for the
 * duplicates the duplicate-names defect adds on purpose. */
struct nameset {
	char **slot;
	size_t cap, len;
};

static unsigned long fnv(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211UL;
	return h;
}

/* 1 when added, 0 when already there, negative on out of memory. */
static int nameset_add(struct nameset *ns, const char *name)
{
	char f[512];
	size_t i;

	ccm_gen_fold(f, sizeof(f), name);
	if (ns->len * 2 >= ns->cap) {
		struct nameset n2 = { NULL, ns->cap ? ns->cap * 2 : 256, 0 };

		n2.slot = calloc(n2.cap, sizeof(char *));
		if (!n2.slot)
			return CCM_ENOMEM;
		for (i = 0; i < ns->cap; i++)
			if (ns->slot[i]) {
				size_t j = fnv(ns->slot[i]) & (n2.cap - 1);

				while (n2.slot[j])
					j = (j + 1) & (n2.cap - 1);
				n2.slot[j] = ns->slot[i];
			}
		n2.len = ns->len;
		free(ns->slot);
		*ns = n2;
	}
	for (i = fnv(f) & (ns->cap - 1); ns->slot[i]; i = (i + 1) & (ns->cap - 1))
		if (!strcmp(ns->slot[i], f))
			return 0;
	ns->slot[i] = ccm_strdup(f);
	if (!ns->slot[i])
		return CCM_ENOMEM;
	ns->len++;
	return 1;
}

static void nameset_release(struct nameset *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slot[i]);
	free(ns->slot);
}

struct build {
	struct ccm_gen *g;
	struct ccm_gen_arena *a;
	struct ccm_gen_rng r;
	struct nameset names;
	size_t cap_dir, cap_boxes;
	enum ccm_gen_script sc;
};

static struct ccm_gen_dirent *add_entry(struct build *b, const char *name,
					char loc, const char *addr)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_dirent *e;

	if (g->n_dir == b->cap_dir) {
		size_t cap = b->cap_dir ? b->cap_dir * 2 : 64;
		struct ccm_gen_dirent *v = ccm_gen_alloc(b->a, cap * sizeof(*v));

		if (g->n_dir)
			memcpy(v, g->dir, g->n_dir * sizeof(*v));
		g->dir = v;
		b->cap_dir = cap;
	}
	e = &g->dir[g->n_dir++];
	e->name = ccm_gen_strdup(b->a, name);
	e->location = loc;
	e->addr = addr ? ccm_gen_strdup(b->a, addr) : NULL;
	e->box = -1;
	e->pab = -1;
	return e;
}

/* A person name no entry has yet. */
static const char *unique_person(struct build *b)
{
	for (unsigned tries = 0;; tries++) {
		const char *n = ccm_gen_person(b->a, &b->r, b->sc);
		int rc;

		if (tries > 6)
			n = ccm_gen_printf(b->a, "%s %u", n, tries);
		if (!ccm_gen_name_ok(n))
			continue;
		rc = nameset_add(&b->names, n);
		if (rc < 0) {
			b->a->oom = 1;
			return n;
		}
		if (rc > 0)
			return n;
	}
}

static struct ccm_gen_box *add_box(struct build *b, enum ccm_gen_box_kind k,
				   const char *name, const char *path)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_box *x;

	if (g->n_boxes == b->cap_boxes) {
		size_t cap = b->cap_boxes ? b->cap_boxes * 2 : 32;
		struct ccm_gen_box *v = ccm_gen_alloc(b->a, cap * sizeof(*v));

		if (g->n_boxes)
			memcpy(v, g->boxes, g->n_boxes * sizeof(*v));
		g->boxes = v;
		b->cap_boxes = cap;
	}
	x = &g->boxes[g->n_boxes];
	x->kind = k;
	x->name = ccm_gen_strdup(b->a, name);
	x->path = ccm_gen_strdup(b->a, path);
	x->dir_index = -1;
	x->in_directory = 1;
	x->seed = ccm_gen_hash2(g->opts.seed, 0x1000 + g->n_boxes);
	g->n_boxes++;
	return x;
}

/* Messages in a file: exponential around the mean, at least one. */
static long message_count(struct build *b, unsigned mean)
{
	double v;

	if (mean == 0)
		return 0;
	v = 1.0 + (double)(long)(ccm_gen_rng_exp(&b->r) * (double)(mean - 1));
	if (v > 50.0 * mean)
		v = 50.0 * mean;
	return (long)v;
}

static const char *const po_direct[] = { "HUBPO", "HQPO", "INTERNET", "SMTPGW" };
static const char *const po_indirect[][2] = {
	{ "PARISPO", "HUBPO" }, { "TOKYOPO", "HUBPO" }, { "MHSGW", "HQPO" }
};
static const char *const remote_pos[] = { "HUBPO", "HQPO", "PARISPO", "TOKYOPO" };

static void build_directory(struct build *b)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_priv *p = g->priv;
	unsigned n = g->opts.users;
	size_t n_l = n / 2 < 3 ? 3 : n / 2, n_r = n / 10 < 1 ? 1 : n / 10;
	size_t n_a = n / 10 < 1 ? 1 : n / 10;

	for (size_t i = 0; i < 4; i++) {
		struct ccm_gen_dirent *e = add_entry(b, po_direct[i], 'P', NULL);

		nameset_add(&b->names, po_direct[i]);
		if (i == 2)
			e->comments = ccm_gen_strdup(b->a, "SMTP gateway");
	}
	for (size_t i = 0; i < 3; i++) {
		add_entry(b, po_indirect[i][0], 'p', po_indirect[i][1]);
		nameset_add(&b->names, po_indirect[i][0]);
	}
	nameset_add(&b->names, g->post_office);

	p->locals = ccm_gen_alloc(b->a, n * sizeof(long));
	for (size_t i = 0; i < n; i++) {
		const char *name = unique_person(b);
		/* Mobile users (R) are rarer, but there is always one. */
		char loc = i == 3 || (n < 4 && i == n - 1) ||
			   ccm_gen_rng_chance(&b->r, 0.1) ? 'R' : 'L';
		struct ccm_gen_dirent *e = add_entry(b, name, loc, NULL);

		if (ccm_gen_rng_chance(&b->r, 0.8))
			e->comments = (char *)ccm_gen_comments(b->a, &b->r, name);
		if (ccm_gen_rng_chance(&b->r, 0.5))
			e->addr = g->post_office;
		p->locals[p->n_locals++] = (long)(e - g->dir);
	}
	p->remotes = ccm_gen_alloc(b->a, (n_l + n_r) * sizeof(long));
	for (size_t i = 0; i < n_l + n_r; i++) {
		const char *name = unique_person(b);
		const char *po = remote_pos[ccm_gen_rng_below(&b->r, 4)];
		struct ccm_gen_dirent *e =
			add_entry(b, name, i < n_l ? 'l' : 'r', po);

		if (ccm_gen_rng_chance(&b->r, 0.3))
			e->comments = (char *)ccm_gen_comments(b->a, &b->r, name);
		if (ccm_gen_rng_chance(&b->r, 0.2))
			e->fan = ccm_gen_printf(b->a, "%s at %s", name, po);
		if (ccm_gen_rng_chance(&b->r, 0.2)) {
			e->extra_key = ccm_gen_strdup(b->a, "Modified");
			e->extra_value = ccm_gen_printf(b->a, "%d/%d/99",
				(int)ccm_gen_rng_range(&b->r, 1, 12),
				(int)ccm_gen_rng_range(&b->r, 1, 28));
		}
		p->remotes[p->n_remotes++] = (long)(e - g->dir);
	}
	p->aliases = ccm_gen_alloc(b->a, (n_a + 1) * sizeof(long));
	for (size_t i = 0; i < n_a; i++) {
		const char *name = i == 0 ? "Sales Desk"
				 : ccm_gen_printf(b->a, "Help Desk %zu", i);
		const struct ccm_gen_dirent *t =
			&g->dir[p->locals[ccm_gen_rng_below(&b->r, p->n_locals)]];
		struct ccm_gen_dirent *e = add_entry(b, name, 'A', t->name);

		nameset_add(&b->names, name);
		p->aliases[p->n_aliases++] = (long)(e - g->dir);
	}
	{
		const struct ccm_gen_dirent *t = &g->dir[p->remotes[0]];
		struct ccm_gen_dirent *e = add_entry(
			b, "Paris Office", 'a',
			ccm_gen_printf(b->a, "%s at %s", t->name, t->addr));

		nameset_add(&b->names, "Paris Office");
		p->aliases[p->n_aliases++] = (long)(e - g->dir);
	}
	if (g->opts.defects & CCM_GEN_D_BIT(CCM_GEN_D_DUPLICATE_NAMES)) {
		/* Q237588: the same name but for case, as a second entry. */
		int made = 0;

		for (size_t i = 0; i < p->n_locals && made < 2; i++) {
			const char *name = g->dir[p->locals[i]].name;
			char *up = ccm_gen_strdup(b->a, name);
			int changed = 0;

			for (char *s = up; *s; s++)
				if (*s >= 'a' && *s <= 'z') {
					*s = (char)(*s - 32);
					changed = 1;
				}
			if (!changed)
				continue;
			add_entry(b, up, 'L', NULL)->duplicate = 1;
			g->dir[g->n_dir - 1].comments =
				ccm_gen_strdup(b->a, "entered twice");
			made++;
		}
	}
}

static const char *slug(struct build *b, const char *dirname, const char *name,
			size_t i)
{
	return ccm_gen_printf(b->a, "%s/%s-%04zu.exp", dirname,
			      ccm_gen_alias(b->a, name, 0), i);
}

static void build_boxes(struct build *b)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_priv *p = g->priv;
	int big_done = 0, r8_done = 0;
	long last_with_mail = -1;

	for (size_t i = 0; i < p->n_locals; i++) {
		struct ccm_gen_dirent *e = &g->dir[p->locals[i]];
		unsigned k = (unsigned)ccm_gen_rng_below(&b->r, 100);
		struct ccm_gen_box *x;

		/* Users without a Mailbox: line (Q194218) and with an empty
		 * file (Q174749) are always there once there are enough. */
		if (i == 1 || (i > 3 && k < 8))
			continue;
		x = add_box(b, CCM_GEN_MAILBOX, e->name,
			    slug(b, "mail", e->name, i));
		x->dir_index = p->locals[i];
		e->box = (long)(x - g->boxes);
		if (i == 2 || (i > 3 && k < 12)) {
			e->empty_mail = 1;
			continue;
		}
		x->n_messages = message_count(b, g->opts.messages);
		if (!r8_done || ccm_gen_rng_chance(&b->r, 0.15)) {
			x->r8 = 1;
			x->n_special += 3;
			r8_done = 1;
		}
		if (!big_done && g->opts.big_attachment) {
			x->big = 1;
			x->n_special += 1;
			big_done = 1;
		}
		x->n_messages += x->n_special;
		if (x->n_messages > x->n_special)
			last_with_mail = (long)(x - g->boxes);
	}
	p->showcase_box = -1;
	for (size_t i = 0; i < g->n_boxes; i++)
		if (g->boxes[i].n_messages > g->boxes[i].n_special) {
			p->showcase_box = (long)i;
			break;
		}
	if ((g->opts.defects & CCM_GEN_D_BIT(CCM_GEN_D_TRUNCATED)) &&
	    last_with_mail >= 0)
		g->boxes[last_with_mail].truncated = 1;
	if (g->opts.defects & CCM_GEN_D_BIT(CCM_GEN_D_UNKNOWN_MAILBOX)) {
		struct ccm_gen_box *x = add_box(b, CCM_GEN_MAILBOX,
						"Ghost, Casper", "mail/ghost.exp");

		x->in_directory = 0;
		x->n_messages = 2;
	}
	{
		static const char *const boards[][2] = {
			{ "Social", "bboards/social.exp" },
			{ "For Sale", "bboards/forsale.exp" },
			{ "Announcements", "bboards/announce.exp" }
		};

		for (size_t i = 0; i < 3; i++) {
			struct ccm_gen_box *x = add_box(b, CCM_GEN_BOARD,
							boards[i][0], boards[i][1]);

			x->n_messages = message_count(b, g->opts.messages / 2 + 1);
		}
	}
}

static const char *member_text(struct build *b, int bare_ok)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_priv *p = g->priv;
	unsigned k = (unsigned)ccm_gen_rng_below(&b->r, 100);

	if (k < 40 && bare_ok)
		return g->dir[p->locals[ccm_gen_rng_below(&b->r, p->n_locals)]].name;
	if (k < 65)
		return ccm_gen_printf(b->a, "%s at %s",
			g->dir[p->locals[ccm_gen_rng_below(&b->r, p->n_locals)]].name,
			g->post_office);
	if (k < 90) {
		const struct ccm_gen_dirent *e =
			&g->dir[p->remotes[ccm_gen_rng_below(&b->r, p->n_remotes)]];
		return ccm_gen_printf(b->a, "%s at %s", e->name, e->addr);
	}
	return ccm_gen_printf(b->a, "user%u@example.com at INTERNET",
			      (unsigned)ccm_gen_rng_below(&b->r, 1000));
}

static void fill_list(struct build *b, struct ccm_gen_list *l, const char *name,
		      size_t n)
{
	l->name = ccm_gen_strdup(b->a, name);
	l->members = ccm_gen_alloc(b->a, n * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		l->members[i] = (char *)member_text(b, 1);
	l->n_members = n;
}

static void build_lists(struct build *b)
{
	struct ccm_gen *g = b->g;
	static const char *const names[] = {
		"Sales Team", "All Staff", "Managers, Regional", "Y2K Task Force"
	};
	size_t n = 4 + g->opts.users / 50;

	g->lists = ccm_gen_alloc(b->a, n * sizeof(*g->lists));
	for (size_t i = 0; i < n; i++) {
		const char *name = i < 4 ? names[i]
				 : ccm_gen_printf(b->a, "Project %zu", i);

		fill_list(b, &g->lists[i], name,
			  (size_t)ccm_gen_rng_range(&b->r, 1, 12));
		if (ccm_gen_rng_chance(&b->r, 0.5))
			g->lists[i].comments = ccm_gen_printf(
				b->a, "everyone in %s", name);
	}
	g->n_lists = n;
}

static void build_pabs(struct build *b)
{
	struct ccm_gen *g = b->g;
	struct ccm_gen_priv *p = g->priv;
	size_t cap = p->n_locals;

	g->pabs = ccm_gen_alloc(b->a, (cap ? cap : 1) * sizeof(*g->pabs));
	for (size_t i = 0; i < p->n_locals; i++) {
		struct ccm_gen_dirent *e = &g->dir[p->locals[i]];
		struct ccm_gen_pab *pb;
		size_t ne;

		if (e->box < 0 || (g->n_pabs && !ccm_gen_rng_chance(&b->r, 0.3)))
			continue;
		pb = &g->pabs[g->n_pabs];
		e->pab = (long)g->n_pabs++;
		pb->owner = e->name;
		pb->path = (char *)slug(b, "pab", e->name, i);
		ne = (size_t)ccm_gen_rng_range(&b->r, 1, 5);
		pb->entries = ccm_gen_alloc(b->a, ne * sizeof(*pb->entries));
		for (size_t j = 0; j < ne; j++) {
			static const char *const nick[] = {
				"Dad", "Mom", "Bob (home)", "Accountant",
				"Lawyer", "Jo"
			};
			struct ccm_gen_pab_entry *pe = &pb->entries[j];

			pe->name = j < 6 ? (char *)nick[j]
				     : ccm_gen_printf(b->a, "Contact %zu", j);
			pe->addr = (char *)member_text(b, 0);
			if (ccm_gen_rng_chance(&b->r, 0.5))
				pe->comments = ccm_gen_strdup(b->a, "home");
		}
		pb->n_entries = ne;
		pb->lists = ccm_gen_alloc(b->a, sizeof(*pb->lists));
		fill_list(b, &pb->lists[0], "My Friends",
			  (size_t)ccm_gen_rng_range(&b->r, 1, 4));
		/* A private list names its own entries too (Q214838). */
		pb->lists[0].members[0] = pb->entries[0].name;
		pb->n_lists = 1;
	}
}

static void build_folders(struct build *b)
{
	struct ccm_gen_priv *p = b->g->priv;

	p->n_folders = 6;
	p->folders = ccm_gen_alloc(b->a, p->n_folders * sizeof(char *));
	for (size_t i = 0; i < p->n_folders; i++)
		p->folders[i] = (char *)ccm_gen_folder(b->a, &b->r, b->sc);
}

int ccm_gen_new(struct ccm_gen **out, const struct ccm_gen_opts *o,
		struct ccm_error *err)
{
	struct ccm_gen *g;
	struct build b;
	int rc;

	*out = NULL;
	if (o->users == 0)
		return ccm_error_set(err, CCM_EINVAL, "--users must be at least 1");
	if (!o->item_sizes && o->encoding != CCM_ENC_HEX)
		return ccm_error_set(err, CCM_EINVAL,
			"attachments must be HEX without item sizes (spec 2.2); "
			"add --encoding hex");
	if (o->encoding == CCM_ENC_MACBIN2 &&
	    (o->big_attachment > 0xffffffffULL || o->max_attachment > 0xffffffffULL))
		return ccm_error_set(err, CCM_EINVAL,
			"MacBinary II holds at most 4 GiB - 1 per file; use "
			"--encoding raw or hex for attachments of %llu bytes",
			(unsigned long long)(o->big_attachment > o->max_attachment
					     ? o->big_attachment : o->max_attachment));
	if (o->attachment_share < 0 || o->attachment_share > 1)
		return ccm_error_set(err, CCM_EINVAL,
				     "--attachment-share must be within 0..1");
	g = calloc(1, sizeof(*g));
	if (!g || !(g->priv = calloc(1, sizeof(*g->priv)))) {
		free(g);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	g->opts = *o;
	if (!g->opts.time_zone)
		g->opts.time_zone = "UTC";
	if (!g->opts.post_office || !*g->opts.post_office)
		g->opts.post_office = "SALESPO";
	if ((rc = ccm_cp_open(&g->priv->cp, o->code_page, err)) < 0 ||
	    (rc = ccm_tz_open(&g->priv->tz, g->opts.time_zone, err)) < 0) {
		ccm_gen_free(g);
		return rc;
	}
	g->post_office = ccm_gen_strdup(&g->priv->arena, g->opts.post_office);
	g->time_zone = ccm_gen_strdup(&g->priv->arena, g->opts.time_zone);
	g->opts.post_office = g->post_office;
	g->opts.time_zone = g->time_zone;

	memset(&b, 0, sizeof(b));
	b.g = g;
	b.a = &g->priv->arena;
	b.sc = ccm_gen_script_of(o->code_page);
	ccm_gen_rng_seed(&b.r, ccm_gen_hash2(o->seed, 0xd1));
	build_directory(&b);
	build_folders(&b);
	build_boxes(&b);
	build_lists(&b);
	build_pabs(&b);
	nameset_release(&b.names);
	rc = b.a->oom ? CCM_ENOMEM : ccm_gen_place_defects(g);
	if (rc < 0) {
		ccm_gen_free(g);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	*out = g;
	return 0;
}

void ccm_gen_free(struct ccm_gen *g)
{
	if (!g)
		return;
	if (g->priv) {
		if (g->priv->cp)
			ccm_cp_free(g->priv->cp);
		if (g->priv->tz)
			ccm_tz_free(g->priv->tz);
		free(g->priv->targets);
		ccm_gen_arena_release(&g->priv->arena);
		free(g->priv);
	}
	free(g);
}
