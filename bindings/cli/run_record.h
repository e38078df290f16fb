/* run_record.h: what a command tells the store about itself: the command
 * line as typed and the SHA-256 of each policy file it ran. */
#ifndef CCM_RUN_RECORD_H
#define CCM_RUN_RECORD_H

#include <stddef.h>
#include "base/buf.h"

/* "ccmig <argv...>" into out, each word quoted as a shell would need it
 * (so the line can be run again). */
void ccm_run_record_args(struct ccm_buf *out, int argc, char **argv);

/* One "<SHA-256 hex>  <path>" line per file into out (empty for none);
 * a file that cannot be read gives "unreadable  <path>". */
void ccm_run_record_policies(struct ccm_buf *out, const char *const *files, size_t n);

#endif
