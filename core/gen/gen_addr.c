/* gen_addr.c: recipients and senders in every shape of spec 2.6. */
#include "gen/gen_int.h"

#include <string.h>

static const char *const unknown_names[] = {
	"Kessler, Ulf", "Ortega, Rosa", "Lindqvist, Per", "Abara, Chidi",
	"Fontaine, Luc"
};
static const char *const foreign[][4] = {
	/* display, type, address, gateway PO */
	{ "Bob Jones", "SMTP", "bob.jones@example.com", "SMTPGW" },
	{ "Pat Lee", "ATTMAIL", "!plee", "ATTGW" },
	{ "Sales Inbox", "X400", "c=US;a= ;p=ACME;o=Sales;s=Inbox", "X400GW" },
};
static const char *const smtp[] = {
	"bob@example.com", "k.tanaka@example.co.jp", "info@acme-widgets.com",
	"j.doe+list@mail.example.org"
};

void ccm_gen_set_addr(struct ccm_gen_addr *ad, const char *text,
		     enum ccm_addr_kind kind, const char *name, const char *po)
{
	ad->text = text;
	ad->kind = kind;
	ad->name = name;
	ad->po = po;
}

static enum ccm_gen_form random_form(struct ccm_gen_rng *r)
{
	unsigned k = (unsigned)ccm_gen_rng_below(r, 100);

	if (k < 20) return CCM_GEN_F_LOCAL_PO;
	if (k < 45) return CCM_GEN_F_LOCAL_BARE;
	if (k < 60) return CCM_GEN_F_REMOTE_PO;
	if (k < 68) return CCM_GEN_F_REMOTE_BARE;
	if (k < 78) return CCM_GEN_F_SMTP;
	if (k < 84) return CCM_GEN_F_FOREIGN;
	if (k < 86) return CCM_GEN_F_SYSTEM;
	if (k < 89) return CCM_GEN_F_EXTENDED;
	if (k < 95) return CCM_GEN_F_UNKNOWN;
	return CCM_GEN_F_ALIAS;
}

void ccm_gen_local_addr(struct ccm_gen_mctx *c, struct ccm_gen_addr *ad,
		       const struct ccm_gen_dirent *e, int bare)
{
	struct ccm_gen *g = c->g;

	if (bare)
		ccm_gen_set_addr(ad, e->name, CCM_ADDR_USER, e->name, g->post_office);
	else
		ccm_gen_set_addr(ad, ccm_gen_printf(c->a, "%s at %s", e->name,
					    g->post_office),
			 CCM_ADDR_USER, e->name, g->post_office);
	ad->resolved = 1;
}

void ccm_gen_fill_addr(struct ccm_gen_mctx *c, struct ccm_gen_addr *ad,
		       enum ccm_gen_form form)
{
	struct ccm_gen *g = c->g;
	struct ccm_gen_priv *p = g->priv;
	struct ccm_gen_rng *r = &c->r;
	const struct ccm_gen_dirent *e;

	memset(ad, 0, sizeof(*ad));
	if (form == CCM_GEN_F_RANDOM)
		form = random_form(r);
	switch (form) {
	case CCM_GEN_F_LOCAL_PO:
	case CCM_GEN_F_LOCAL_BARE:
		e = &g->dir[p->locals[ccm_gen_rng_below(r, p->n_locals)]];
		ccm_gen_local_addr(c, ad, e, form == CCM_GEN_F_LOCAL_BARE);
		break;
	case CCM_GEN_F_REMOTE_PO:
	case CCM_GEN_F_REMOTE_BARE:
		e = &g->dir[p->remotes[ccm_gen_rng_below(r, p->n_remotes)]];
		ccm_gen_set_addr(ad, form == CCM_GEN_F_REMOTE_BARE ? e->name
			 : ccm_gen_printf(c->a, "%s at %s", e->name, e->addr),
			 CCM_ADDR_USER, e->name, e->addr);
		ad->resolved = 1;
		break;
	case CCM_GEN_F_SMTP: {
		const char *s = smtp[ccm_gen_rng_below(r, 4)];

		ccm_gen_set_addr(ad, ccm_gen_printf(c->a, "%s at INTERNET", s),
			 CCM_ADDR_SMTP, s, "INTERNET");
		break;
	}
	case CCM_GEN_F_FOREIGN: {
		const char *const *f = foreign[ccm_gen_rng_below(r, 3)];

		ccm_gen_set_addr(ad, ccm_gen_printf(c->a, "%s [%s:%s] at %s", f[0], f[1],
					    f[2], f[3]),
			 CCM_ADDR_FOREIGN, f[0], f[3]);
		ad->ftype = f[1];
		ad->faddr = f[2];
		break;
	}
	case CCM_GEN_F_SYSTEM:
		if (ccm_gen_rng_chance(r, 0.5))
			ccm_gen_set_addr(ad, "~ADE_Mailbox", CCM_ADDR_SYSTEM,
				 "ADE_Mailbox", NULL);
		else
			ccm_gen_set_addr(ad, "~Postmaster at HQPO", CCM_ADDR_SYSTEM,
				 "Postmaster", "HQPO");
		break;
	case CCM_GEN_F_BOARD:
		ccm_gen_set_addr(ad, "#Social", CCM_ADDR_BOARD, "Social", NULL);
		break;
	case CCM_GEN_F_EXTENDED:
		ccm_gen_set_addr(ad, "Kim Lee at MHSGW {MHSNET/SALES/KLEE}",
			 CCM_ADDR_EXTENDED, "Kim Lee", "MHSGW");
		ad->faddr = "MHSNET/SALES/KLEE";
		break;
	case CCM_GEN_F_UNKNOWN: {
		const char *n = unknown_names[ccm_gen_rng_below(r, 5)];
		const char *po = ccm_gen_rng_chance(r, 0.5) ? "HQPO" : "TOKYOPO";

		ccm_gen_set_addr(ad, ccm_gen_printf(c->a, "%s at %s", n, po),
			 CCM_ADDR_USER, n, po);
		break;
	}
	case CCM_GEN_F_ALIAS:
		e = &g->dir[p->aliases[ccm_gen_rng_below(r, p->n_aliases)]];
		{
			const char *po = e->location == 'A' ? g->post_office
							    : "PARISPO";

			ccm_gen_set_addr(ad, ccm_gen_printf(c->a, "%s at %s", e->name, po),
				 CCM_ADDR_USER, e->name, po);
			ad->resolved = 1;
		}
		break;
	case CCM_GEN_F_EMPTY: {
		const char *po = ccm_gen_rng_chance(r, 0.5) ? "HUBPO" : "HQPO";

		ccm_gen_set_addr(ad, ccm_gen_printf(c->a, " at %s", po), CCM_ADDR_USER,
			 "", po);
		ad->empty_name = 1;
		break;
	}
	default:
		break;
	}
}

/* n recipients of random shapes; a long list goes over two lines. */
struct ccm_gen_addr *ccm_gen_recipients(struct ccm_gen_mctx *c, size_t n)
{
	struct ccm_gen_addr *v = ccm_gen_alloc(c->a, (n ? n : 1) * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		ccm_gen_fill_addr(c, &v[i], CCM_GEN_F_RANDOM);
	if (n)
		v[0].newline = 1;
	if (n >= 3 && ccm_gen_rng_chance(&c->r, 0.3))
		v[1 + ccm_gen_rng_below(&c->r, n - 1)].newline = 1;
	return v;
}

