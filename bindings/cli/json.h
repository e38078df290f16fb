/* json.h: writing JSON text for --json output. */
#ifndef CCM_JSON_H
#define CCM_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal (quotes included); NULL as null. */
void ccm_json_str(FILE *out, const char *s);

#endif
