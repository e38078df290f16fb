/* namemap.h: a PST file's named properties and the name-to-id map that records them. */
#ifndef CCM_PST_NAMEMAP_H
#define CCM_PST_NAMEMAP_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "pst/ltp.h"

/*
 * Named properties ([MS-PST] 2.4.7): a property named by a property set
 * (a GUID) and a number (a LID) or a string is given a property id of
 * this file, 0x8000 for the first one registered, 0x8001 for the next ...
 * The map is written as the properties of NID_NAME_TO_ID_MAP: the bucket
 * count (251, as Outlook writes it), the GUID stream (the GUIDs other
 * than PS_MAPI and PS_PUBLIC_STRINGS, in the order first used), the entry
 * stream (one NAMEID a property, in id order), the string stream (each
 * name as a 4-byte byte count and UTF-16LE, padded to 4 bytes) and the
 * 251 hash buckets 0x1000..0x10FA, each the NAMEIDs whose hash falls in
 * it (a string's NAMEID there carries the CRC-32 of its name instead of
 * its offset), empty ones included.
 *
 * Deterministic: the same registrations in the same order give the same
 * ids and bytes. Memory: a few bytes a property; at most
 * CCM_PST_NAMEMAP_MAX properties (the 0x8000..0xFFFE range).
 */
#define CCM_PST_NAMEMAP_BUCKETS 251
#define CCM_PST_NAMEMAP_MAX 0x7FFF

extern const unsigned char ccm_pst_ps_mapi[16], ccm_pst_ps_public_strings[16],
	ccm_pst_psetid_address[16], ccm_pst_psetid_common[16];

struct ccm_pst_namemap {
	struct ccm_buf guids, entries, strings;   /* the three streams */
	size_t n;                                 /* properties registered */
};

void ccm_pst_namemap_init(struct ccm_pst_namemap *m);
void ccm_pst_namemap_release(struct ccm_pst_namemap *m);

/*
 * The property id of the property numbered `lid` in set `guid`,
 * registered when new. 0 when the map is full (CCM_PST_NAMEMAP_MAX).
 */
uint16_t ccm_pst_namemap_lid(struct ccm_pst_namemap *m, const unsigned char guid[16],
			     uint32_t lid);
/* The same for the property named `name` (UTF-8) in set `guid`. */
uint16_t ccm_pst_namemap_name(struct ccm_pst_namemap *m, const unsigned char guid[16],
			      const char *name);

/*
 * The map's properties, in id order, for ccm_pst_pc_build: *n of them in
 * *props, the values in *hold (the caller releases both, with free() and
 * ccm_buf_release(), whatever happens). CCM_ENOMEM is the only error.
 */
int ccm_pst_namemap_props(struct ccm_pst_prop **props, size_t *n, struct ccm_buf *hold,
			  const struct ccm_pst_namemap *m, struct ccm_error *err);

#endif
