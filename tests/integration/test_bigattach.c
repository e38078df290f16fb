/* test_bigattach.c: a 1 GiB attachment streams through the reader in
 * pieces, byte for byte, with peak memory under 64 MiB. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ccmail/bundle.h"
#include "gen/gen.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#else
#define UNDER_SANITIZER 0
#endif

#define PIECE (64 * 1024)
#define RSS_LIMIT_KIB (64 * 1024)

/* CCMIG_BIG_ATTACHMENT overrides the size (bytes); sanitizer builds check
 * the bytes of a smaller one, since their shadow memory says nothing of
 * ccmig's own use. */
static unsigned long long big_size(void)
{
	const char *env = getenv("CCMIG_BIG_ATTACHMENT");

	if (env && *env)
		return strtoull(env, NULL, 10);
	return UNDER_SANITIZER ? 64ULL << 20 : 1ULL << 30;
}

static void check_encoding(enum ccm_attach_enc enc)
{
	unsigned long long size = big_size(), seen = 0;
	char *dir = tu_mkdtemp(), *bundle = tu_path(dir, "po");
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_error err;
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_bundle *b;
	char *got = malloc(PIECE), *want = malloc(PIECE);
	int found = 0;

	assert_non_null(got);
	assert_non_null(want);
	ccm_gen_opts_init(&o);
	o.users = 2;
	o.messages = 2;
	o.seed = 11;
	o.encoding = enc;
	o.big_attachment = size;
	assert_int_equal(ccm_gen_new(&g, &o, &err), 0);
	assert_int_equal(ccm_gen_write(g, bundle, 0, NULL, &err), 0);
	assert_int_equal(ccm_bundle_open(&b, bundle, &rep, &err), 0);

	for (size_t i = 0; i < g->n_boxes && !found; i++) {
		const struct ccm_manifest_entry *e;
		struct ccm_msgfile *f;
		const struct ccm_message *m;

		if (g->boxes[i].kind != CCM_GEN_MAILBOX || !g->boxes[i].in_directory)
			continue;
		e = ccm_bundle_mailbox(b, g->boxes[i].name);
		assert_non_null(e);
		assert_int_equal(ccm_bundle_open_messages(&f, b, e, &err), 0);
		while (!found && ccm_msgfile_next(f, &m, &err) == 1) {
			const struct ccm_item *it;
			while (ccm_msgfile_next_item(f, &it, &err) == 1) {
				struct ccm_gen_msg *gm;
				const struct ccm_gen_item *gi;
				ssize_t n;

				if (it->kind != CCM_ITEM_FILE ||
				    (it->size >= 0 && (unsigned long long)it->size != size))
					continue;
				assert_int_equal(ccm_gen_message(&gm, g, i, m->number), 0);
				gi = &gm->items[it->index - 1];
				if (gi->size != size) {
					ccm_gen_msg_free(gm);
					continue;
				}
				found = 1;
				while ((n = ccm_msgfile_read(f, got, PIECE, &err)) > 0) {
					long long w = ccm_gen_item_read(g, gi, seen, want, (size_t)n);
					assert_int_equal(w, n);
					if (memcmp(got, want, (size_t)n) != 0)
						fail_msg("byte mismatch near offset %llu", seen);
					seen += (unsigned long long)n;
				}
				assert_int_equal(n, 0);
				ccm_gen_msg_free(gm);
				break;
			}
		}
		ccm_msgfile_close(f);
	}
	assert_true(found);
	assert_int_equal(seen, size);
	assert_int_equal(rep.counts[CCM_ERROR], 0);
	ccm_bundle_free(b);
	ccm_gen_free(g);
	ccm_diaglist_release(&diags);
	free(got);
	free(want);
	tu_rmtree(dir);
	free(bundle);
	free(dir);
}

static void one_gib_macbinary_attachment_streams(void **state)
{
	(void)state;
	check_encoding(CCM_ENC_MACBIN2);
}

static void one_gib_raw_attachment_streams(void **state)
{
	(void)state;
	check_encoding(CCM_ENC_RAW);
}

static void peak_memory_stays_under_64_mib(void **state)
{
	struct rusage ru;

	(void)state;
	if (UNDER_SANITIZER)
		skip();
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	/* ru_maxrss is in KiB on Linux; it covers the generation and both
	 * reads above, all in this process. */
	printf("peak RSS %ld KiB for %llu-byte attachments\n", ru.ru_maxrss, big_size());
	assert_true(ru.ru_maxrss < RSS_LIMIT_KIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_gib_macbinary_attachment_streams),
		cmocka_unit_test(one_gib_raw_attachment_streams),
		cmocka_unit_test(peak_memory_stays_under_64_mib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
