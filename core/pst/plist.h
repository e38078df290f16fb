/* plist.h: a list of properties being gathered for one PST object or table row. */
#ifndef CCM_PST_PLIST_H
#define CCM_PST_PLIST_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "pst/ltp.h"

/*
 * The messaging layer gathers an object's properties here, each value's
 * bytes copied into the list, then hands them to the LTP builders
 * (pst/ltp.h) as a PC's properties or as a table row's cells. At most
 * CCM_PST_PLIST_MAX properties; a property added past that, or an id
 * added twice, is ignored (the callers add a fixed set).
 */
#define CCM_PST_PLIST_MAX 64

struct ccm_pst_plist {
	size_t n;
	struct {
		uint16_t id, type;
		size_t off, len;
		uint32_t nid;
	} v[CCM_PST_PLIST_MAX];
	struct ccm_buf data;
	struct ccm_pst_prop out[CCM_PST_PLIST_MAX];
};

void ccm_pst_plist_init(struct ccm_pst_plist *l);
void ccm_pst_plist_release(struct ccm_pst_plist *l);

/* A value of `type` given as its bytes (p may be NULL when n is 0). */
void ccm_pst_plist_bytes(struct ccm_pst_plist *l, uint16_t id, uint16_t type,
			 const void *p, size_t n);
/* PtypString from UTF-8 (bytes that do not decode become U+FFFD); NULL: none. */
void ccm_pst_plist_str(struct ccm_pst_plist *l, uint16_t id, const char *s);
void ccm_pst_plist_str_n(struct ccm_pst_plist *l, uint16_t id, const char *s, size_t n);
void ccm_pst_plist_long(struct ccm_pst_plist *l, uint16_t id, int32_t v);
void ccm_pst_plist_bool(struct ccm_pst_plist *l, uint16_t id, int v);
void ccm_pst_plist_i8(struct ccm_pst_plist *l, uint16_t id, int64_t v);
/* PtypTime from UTC seconds since 1970. */
void ccm_pst_plist_time(struct ccm_pst_plist *l, uint16_t id, long long utc);
/* A value the caller wrote into its subnode `nid` (type PtypBinary ...),
 * or a PtypObject of `size` bytes in subnode `nid`. */
void ccm_pst_plist_nid(struct ccm_pst_plist *l, uint16_t id, uint16_t type, uint32_t nid,
		       size_t size);

/* The properties, for ccm_pst_pc_build: valid until the list changes. */
const struct ccm_pst_prop *ccm_pst_plist_props(struct ccm_pst_plist *l);
/* The list as a row of a table of columns cols[0..n) (n at most
 * CCM_PST_PLIST_MAX): cell j is the property of cols[j].id, or
 * CCM_PST_PT_UNSPECIFIED when the list has none. Valid until the list
 * changes. */
const struct ccm_pst_prop *ccm_pst_plist_row(struct ccm_pst_plist *l,
					     const struct ccm_pst_col *cols, size_t n);

/* UTF-8 to UTF-16LE, appended to out. */
void ccm_pst_utf16(struct ccm_buf *out, const char *s, size_t n);

#endif
