/* json.c: writing JSON text for --json output. */
#include "json.h"
#include "store/ledger.h"

void ccm_json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
		}
	}
	putc('"', out);
}

void ccm_json_run_times(FILE *out, const struct ccm_store_run *r)
{
	fprintf(out, ",\"started_utc\":%lld,\"finished_utc\":", r->started_utc);
	if (r->finished_utc)
		fprintf(out, "%lld", r->finished_utc);
	else
		fputs("null", out);
	if (r->status >= 0)
		fprintf(out, ",\"status\":%d", r->status);
	else
		fputs(",\"status\":null", out);
}
