/* directory.h: the post office directory (directory.exp). */
#ifndef CCM_DIRECTORY_H
#define CCM_DIRECTORY_H

#include <stddef.h>
#include "ccmail/kvfile.h"

/*
 * One directory entry. `location` is the cc:Mail code: 'P' post office
 * called directly, 'p' reached indirectly, 'L' local user, 'l' user of
 * another PO, 'R' mobile user of this PO, 'r' remote user of another PO,
 * 'A'/'a' alias. Keywords other than Name, Location, Addr, Comments and
 * FAN are kept in `extra`, in order.
 */
struct ccm_dir_entry {
	char *name;
	char location;
	char *addr;        /* post office or route for users of other POs */
	char *comments;
	char *fan;         /* foreign alias name */
	struct ccm_kv *extra;
	size_t n_extra;
	long line;
	long long offset;
};

/*
 * The whole directory, in file order, with a hash index on the name.
 * Names are case-insensitive and unique across the directory (Q237588):
 * a second entry whose name equals an earlier one but for case is a
 * warning and is dropped from the index (it stays in `entries` with
 * `duplicate` set so that nothing disappears from the report).
 */
struct ccm_directory {
	struct ccm_dir_entry *entries;
	size_t len;
	unsigned char *duplicate;   /* len flags */
	size_t *index;              /* open addressing, slots hold entry+1 */
	size_t index_cap;
	size_t cap;                 /* entries (and duplicate flags) allocated */
	size_t max_name;            /* bytes of the longest name: no longer
				       text can be a name (address splitting
				       uses it to bound its look-ups) */
};

/*
 * Reads a directory export in code page `cp`. Blocks with no Name or no
 * Location are warnings and skipped (kind "incomplete-entry"); a Location
 * that is not one of the codes above is kept and reported
 * ("unknown-location"); a name equal to an earlier one but for case is
 * reported as "duplicate-name". A second Addr, Comments or FAN in one
 * block goes to `extra`, so nothing written is lost. Returns 0 or a negative code with err
 * filled (the directory is then empty but valid to release).
 */
int ccm_directory_read(struct ccm_directory *d, const char *path,
		       const char *display, struct ccm_cp *cp,
		       struct ccm_report *rep, struct ccm_error *err);
void ccm_directory_release(struct ccm_directory *d);
/*
 * A zeroed struct ccm_directory is a valid empty directory.
 *
 * Adds one entry (copied, the name trimmed); for tests and generated data.
 * A name equal to an earlier one but for case is added with its duplicate
 * flag set and left out of the index, as ccm_directory_read does, but not
 * reported. Returns 0 or CCM_ENOMEM.
 */
int ccm_directory_add(struct ccm_directory *d, const char *name, char location,
		      const char *addr, const char *comments);
/* The entry named `name` (any case, surrounding spaces ignored), or NULL. */
const struct ccm_dir_entry *ccm_directory_find(const struct ccm_directory *d,
					       const char *name, size_t len);
/* 1 for L and R: the users who get a migrated mailbox. */
int ccm_dir_entry_is_local_user(const struct ccm_dir_entry *e);
/* 1 for L, l, R, r. */
int ccm_dir_entry_is_user(const struct ccm_dir_entry *e);

/*
 * Compares two UTF-8 names as cc:Mail does: case-insensitively (ASCII and
 * the Latin-1 letters), <0, 0, >0. ccm_name_hash hashes consistently.
 * The letters of Latin Extended-A (the Central European letters of code
 * page 852, and Y with diaeresis of 1252) fold too. Bytes that are not
 * valid UTF-8 compare as themselves.
 */
int ccm_name_cmp(const char *a, size_t alen, const char *b, size_t blen);
unsigned long ccm_name_hash(const char *s, size_t len);

#endif
