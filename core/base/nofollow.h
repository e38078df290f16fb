/* nofollow.h: files and folders written without following a link planted in the output. */
#ifndef CCM_NOFOLLOW_H
#define CCM_NOFOLLOW_H

#include "base/error.h"

#include <stdio.h>

/*
 * What ccmig writes into a folder it was given (an export, a set of
 * migration files, a recovery file) lies in that folder, whatever
 * someone else placed there: a symbolic link named like one of its files
 * or folders would make it write over a file anywhere the user may write.
 * These calls open the last component of a path without following a
 * link, and refuse a link, a device, a pipe or anything else that is not
 * a plain file or folder with CCM_EEXISTS and an err that names it and
 * says what to do. The folder the user named, and the folders above it,
 * are taken as they are.
 */

/*
 * Opens (making it when missing) the folder `name` inside the folder open
 * as `dirfd` (AT_FDCWD for the current one); *out is its descriptor
 * (O_DIRECTORY, close-on-exec). `shown` is the path for messages. 1 when
 * it was made now, 0 when it was there; CCM_EEXISTS for a link or not a
 * folder, CCM_EIO when the system refuses.
 */
int ccm_nofollow_dir(int *out, int dirfd, const char *name, const char *shown,
		     struct ccm_error *err);

/*
 * A new file `name` in the folder open as `dirfd`, for writing: whatever
 * had the name (a file an earlier run left half written, a link) is
 * removed first, never followed, and the file is made exclusively, mode
 * 0600. *out is the open stream. CCM_EEXISTS when the name is a folder or
 * something made it again between the two steps, CCM_EIO otherwise.
 */
int ccm_nofollow_create(FILE **out, int dirfd, const char *name, const char *shown,
			struct ccm_error *err);

/*
 * The file at `path` for writing, emptied, or made (mode 0644) when
 * missing, as fopen(path, "wb") would, except that a link, a pipe or a
 * device there is refused (CCM_EEXISTS), not written through.
 */
int ccm_nofollow_fopen(FILE **out, const char *path, struct ccm_error *err);

#endif
