/* zones.c: the time zone each mailbox's dates are written in. */
#include "export/zones.h"
#include "ccmail/manifest.h"
#include "store/po.h"
#include "store/recipients.h"

#include <stdlib.h>
#include <string.h>

struct zone {
	char *name;
	struct ccm_tz *tz;
};

struct box {
	long long id;
	const struct ccm_tz *tz;
};

struct ccm_out_zones {
	const struct ccm_tz *forced, *fallback, *public_tz;
	struct zone *zones;            /* opened, one per name */
	size_t n_zones;
	struct box *boxes;             /* by id */
	size_t n_boxes;
};

/* The opened zone named `name`, opening it the first time. NULL (and the
 * fallback used) when the name cannot be opened. */
static const struct ccm_tz *zone_named(struct ccm_out_zones *z, const char *name)
{
	struct zone *v;
	struct ccm_tz *tz;
	char *copy;

	for (size_t i = 0; i < z->n_zones; i++)
		if (!strcmp(z->zones[i].name, name))
			return z->zones[i].tz;
	if (!(copy = strdup(name)))
		return NULL;
	if (ccm_tz_open(&tz, name, NULL) < 0) {
		free(copy);
		return NULL;
	}
	if (!(v = realloc(z->zones, (z->n_zones + 1) * sizeof(*v)))) {
		ccm_tz_free(tz);
		free(copy);
		return NULL;
	}
	z->zones = v;
	v[z->n_zones].name = copy;
	v[z->n_zones].tz = tz;
	return v[z->n_zones++].tz;
}

/* The zone of one mailbox (0: public) as the store recorded it. */
static int zone_of(struct ccm_out_zones *z, struct ccm_store *s, long long mailbox,
		   const struct ccm_tz **out, struct ccm_error *err)
{
	struct ccm_manifest m = { 0 };
	struct ccm_buf line = CCM_BUF_INIT;
	int rc = ccm_store_po_of_mailbox(&line, s, mailbox, err);

	*out = NULL;
	if (rc > 0 && ccm_manifest_settings_parse(&m, line.ptr, NULL) == 0 &&
	    m.time_zone && *m.time_zone)
		*out = zone_named(z, m.time_zone);
	if (!*out)
		*out = z->fallback;         /* none, or unreadable: the fallback */
	ccm_manifest_release(&m);
	ccm_buf_release(&line);
	return rc < 0 ? rc : 0;
}

static int by_id(const void *a, const void *b)
{
	long long x = ((const struct box *)a)->id, y = ((const struct box *)b)->id;

	return x < y ? -1 : x > y;
}

int ccm_out_zones_open(struct ccm_out_zones **out, struct ccm_store *s,
		       const struct ccm_tz *forced, const struct ccm_tz *fallback,
		       struct ccm_error *err)
{
	struct ccm_out_zones *z = calloc(1, sizeof(*z));
	struct ccm_store_cursor *c = NULL;
	struct ccm_recipient r;
	size_t cap = 0;
	int rc;

	if (!z)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	z->forced = forced;
	z->fallback = fallback;
	*out = z;
	if (forced)
		return 0;
	if ((rc = zone_of(z, s, 0, &z->public_tz, err)) < 0 ||
	    (rc = ccm_store_recipients(&c, s, CCM_RECIP_MAILBOX, err)) < 0)
		goto fail;
	while ((rc = ccm_store_next_recipient(c, &r, err)) > 0) {
		if (z->n_boxes == cap) {
			struct box *v;
			cap = cap ? cap * 2 : 256;
			if (!(v = realloc(z->boxes, cap * sizeof(*v)))) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			z->boxes = v;
		}
		z->boxes[z->n_boxes].id = r.id;
		z->boxes[z->n_boxes++].tz = NULL;
	}
	ccm_store_cursor_free(c);
	/* Looked up after the cursor is done: one statement at a time. */
	for (size_t i = 0; rc == 0 && i < z->n_boxes; i++)
		rc = zone_of(z, s, z->boxes[i].id, &z->boxes[i].tz, err);
	if (rc < 0)
		goto fail;
	if (z->n_boxes > 1)             /* none: boxes is NULL, which qsort may not take */
		qsort(z->boxes, z->n_boxes, sizeof(*z->boxes), by_id);
	return 0;
fail:
	ccm_out_zones_free(z);
	*out = NULL;
	return rc;
}

void ccm_out_zones_free(struct ccm_out_zones *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n_zones; i++) {
		free(z->zones[i].name);
		ccm_tz_free(z->zones[i].tz);
	}
	free(z->zones);
	free(z->boxes);
	free(z);
}

const struct ccm_tz *ccm_out_zones_get(const struct ccm_out_zones *z, long long mailbox)
{
	struct box key = { mailbox, NULL }, *b;

	if (!z)
		return NULL;
	if (z->forced)
		return z->forced;
	if (mailbox == 0)
		return z->public_tz;
	b = z->n_boxes ? bsearch(&key, z->boxes, z->n_boxes, sizeof(*z->boxes), by_id) : NULL;
	return b ? b->tz : z->fallback;
}
