/* cmd_gen.c: `ccmig gen`, synthetic post office bundles for tests and benchmarks. */
#include "commands.h"
#include "progress.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gen/gen.h"

static void help(FILE *out)
{
	fprintf(out,
"usage: ccmig gen PO_DIR [options]\n"
"\n"
"Writes a synthetic cc:Mail post office bundle (po.txt, directory.exp,\n"
"lists.exp, mail/, pab/, bboards/) into PO_DIR. The same options and seed\n"
"always give byte-identical files.\n"
"\n"
"options:\n"
"  --seed N              seed of everything generated (default 1)\n"
"  --users N             local users, L and R entries (default 20)\n"
"  --messages N          mean messages per user with mail (default 20)\n"
"  --max-attachment B    largest ordinary attachment (default 1M)\n"
"  --attachment-share F  share of messages with files, 0..1 (default 0.1)\n"
"  --encoding E          attachments as macbin2, hex or raw (default macbin2)\n"
"  --no-item-sizes       no byte counts (export without /ITEMSIZE); needs hex\n"
"  --code-page N         code page of every text file (default 850;\n"
"                        932 for Japanese names, 1252 ...)\n"
"  --date-order O        MDY, DMY or YMD (default MDY)\n"
"  --time-zone Z         IANA zone of the post office (default America/New_York)\n"
"  --post-office NAME    the post office's name (default SALESPO)\n"
"  --big-attachment B    add one message with one attachment of exactly B bytes\n"
"  --defects LIST        comma-separated defects below, or 'all'\n"
"  --force               write over a bundle already in PO_DIR\n"
CCM_PROGRESS_USAGE
"  -h, --help            this help\n"
"\n"
"Sizes (B) take a K, M or G suffix (powers of 1024).\n"
"\n"
"defects (each lands in a few messages only):\n");
	for (int d = 0; ccm_gen_defect_name(d); d++)
		fprintf(out, "  %-18s  %s\n", ccm_gen_defect_name(d),
			ccm_gen_defect_help(d));
	fprintf(out,
"\n"
"The count defects, missing-contents and deep-nesting need item sizes, and\n"
"bad-macbinary needs macbin2; elsewhere they are accepted and write nothing.\n"
"\n"
"Prints one summary line. Exit status: 0 done; 2 bad usage or failure.\n");
}

/* A whole non-negative number, with an optional K/M/G suffix if `size`. */
static int parse_u64(const char *s, int size, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (size && *end) {
		int shift = 0;

		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -1;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (v > (~0ULL >> shift))
			return -1;
		v <<= shift;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int ccm_cmd_gen(int argc, char **argv)
{
	struct ccm_gen_opts o;
	struct ccm_gen_stats st;
	struct ccm_error err = { 0, "" };
	struct ccm_gen *g;
	struct ccm_progress prog;
	const char *dir = NULL;
	int force = 0, rc;

	ccm_gen_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char name[64];
		const char *eq;
		uint64_t n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help(stdout);
			return 0;
		}
		if (ccm_progress_option(a))
			continue;
		if (strncmp(a, "--", 2) != 0) {
			if (dir)
				return ccm_usage_error("gen", "more than one PO_DIR ('%s')", a);
			dir = a;
			continue;
		}
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
		if (!strcmp(name, "--no-item-sizes")) {
			o.item_sizes = 0;
			continue;
		}
		if (!strcmp(name, "--force")) {
			force = 1;
			continue;
		}
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return ccm_usage_error("gen", "option '%s' needs a value", name);

		if (!strcmp(name, "--seed")) {
			if (parse_u64(v, 0, &o.seed))
				return ccm_usage_error("gen", "bad --seed '%s'", v);
		} else if (!strcmp(name, "--users")) {
			if (parse_u64(v, 0, &n) || n < 1 || n > 10000000)
				return ccm_usage_error("gen", "bad --users '%s' (1..10000000)", v);
			o.users = (unsigned)n;
		} else if (!strcmp(name, "--messages")) {
			if (parse_u64(v, 0, &n) || n > 1000000)
				return ccm_usage_error("gen", "bad --messages '%s' (0..1000000)", v);
			o.messages = (unsigned)n;
		} else if (!strcmp(name, "--max-attachment")) {
			if (parse_u64(v, 1, &o.max_attachment))
				return ccm_usage_error("gen", "bad --max-attachment '%s'", v);
		} else if (!strcmp(name, "--big-attachment")) {
			if (parse_u64(v, 1, &o.big_attachment))
				return ccm_usage_error("gen", "bad --big-attachment '%s'", v);
		} else if (!strcmp(name, "--attachment-share")) {
			char *end;

			o.attachment_share = strtod(v, &end);
			if (*end || end == v || o.attachment_share < 0 ||
			    o.attachment_share > 1)
				return ccm_usage_error("gen", "bad --attachment-share '%s' (0..1)", v);
		} else if (!strcmp(name, "--encoding")) {
			if (!strcasecmp(v, "macbin2"))
				o.encoding = CCM_ENC_MACBIN2;
			else if (!strcasecmp(v, "hex"))
				o.encoding = CCM_ENC_HEX;
			else if (!strcasecmp(v, "raw"))
				o.encoding = CCM_ENC_RAW;
			else
				return ccm_usage_error("gen", "bad --encoding '%s' (macbin2, hex, raw)", v);
		} else if (!strcmp(name, "--code-page")) {
			if (parse_u64(v, 0, &n) || n < 1 || n > 65535)
				return ccm_usage_error("gen", "bad --code-page '%s'", v);
			o.code_page = (int)n;
		} else if (!strcmp(name, "--date-order")) {
			if (!strcasecmp(v, "MDY"))
				o.date_order = CCM_DATE_MDY;
			else if (!strcasecmp(v, "DMY"))
				o.date_order = CCM_DATE_DMY;
			else if (!strcasecmp(v, "YMD"))
				o.date_order = CCM_DATE_YMD;
			else
				return ccm_usage_error("gen", "bad --date-order '%s' (MDY, DMY, YMD)", v);
		} else if (!strcmp(name, "--time-zone")) {
			o.time_zone = v;
		} else if (!strcmp(name, "--post-office")) {
			o.post_office = v;
		} else if (!strcmp(name, "--defects")) {
			if (ccm_gen_defects_parse(&o.defects, v, &err) < 0)
				return ccm_usage_error("gen", "%s", err.msg);
		} else {
			return ccm_usage_error("gen", "unknown option '%s'", name);
		}
	}
	if (!dir)
		return ccm_usage_error("gen", "where to? give PO_DIR, the folder to write");
	if (!o.item_sizes && o.encoding != CCM_ENC_HEX)
		return ccm_usage_error("gen", "%s", "--no-item-sizes needs --encoding hex (spec 2.2)");

	o.progress = ccm_progress_fn_draw;
	o.progress_ctx = &prog;
	rc = ccm_gen_new(&g, &o, &err);
	if (rc < 0) {
		fprintf(stderr, "ccmig gen: %s\n", err.msg);
		return 2;
	}
	ccm_progress_start(&prog, "writing the post office", "mail files", 0);
	rc = ccm_gen_write(g, dir, force, &st, &err);
	ccm_progress_end(&prog);
	if (rc < 0) {
		fprintf(stderr, "ccmig gen: %s\n", err.msg);
		ccm_gen_free(g);
		return 2;
	}
	printf("ccmig gen: %s in %s: %lu users, %lu mailboxes, %lu messages, "
	       "%lu attachments, %llu bytes\n", g->post_office, dir, st.users,
	       st.mailboxes, st.messages, st.attachments, st.bytes);
	if (st.replaced)
		fprintf(stderr, "ccmig gen: %lu characters not in code page %d "
			"were written as '?'\n", st.replaced, o.code_page);
	ccm_gen_free(g);
	return 0;
}
