/* stock.h: finding a stock policy by its name (--policy skip-mail). */
#ifndef CCM_STOCK_H
#define CCM_STOCK_H

#include "base/error.h"

/*
 * Whether a --policy value names a stock policy rather than a file: a
 * name with no '/' and no ".lua" at its end, such as "skip-mail". A file
 * of the current folder is given as "./mine.lua" or "mine.lua".
 */
int ccm_stock_is_name(const char *arg);

/*
 * The path of stock policy `name` (name.lua), looked for in order:
 *  1. scripts/policies/ of the source tree, when this program is the one
 *     its build folder made (a developer's build finds the policies it
 *     was built with, not an older installed copy);
 *  2. share/ccmig/policies/ beside the program's bin/ folder (an install
 *     under any prefix, the Debian package);
 *  3. share/ccmig/policies/ of the prefix it was configured for.
 * On success *out is a new string the caller frees. An unknown name is
 * CCM_ENOTFOUND with err naming the stock policies there are, and where;
 * CCM_ENOMEM when out of memory.
 */
int ccm_stock_find(char **out, const char *name, struct ccm_error *err);

#endif
