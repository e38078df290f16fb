/* test_extract.c: a bundle to a migration file set, checked as text. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "ccmail/names.h"
#include "iff/extract.h"
#include "iff/placing.h"

#define SALESPO CCMIG_TEST_DATA "/salespo"

struct run {
	char *dir, *set;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_extract_stats st;
};

static struct run *extract(const struct ccm_extract_opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	struct ccm_bundle *b;
	struct ccm_error err;

	assert_non_null(r);
	r->dir = tu_mkdtemp();
	r->set = tu_path(r->dir, "set");
	r->rep.sink = ccm_diaglist_sink;
	r->rep.ctx = &r->diags;
	assert_int_equal(ccm_bundle_open(&b, SALESPO, &r->rep, &err), 0);
	if (ccm_extract(b, r->set, o, &r->st, &err) != 0)
		fail_msg("extract: %s", err.msg);
	ccm_bundle_free(b);
	return r;
}

static char *file(struct run *r, const char *name)
{
	char *p = tu_path(r->set, name), *text = tu_slurp(p, NULL);

	if (!text)
		fail_msg("no file %s in the set", name);
	free(p);
	return text;
}

static void done(struct run *r)
{
	ccm_diaglist_release(&r->diags);
	tu_rmtree(r->dir);
	free(r->dir);
	free(r->set);
	free(r);
}

/* The text after a section's header line, up to the next blank line. */
static char *rows_of(const char *pri, const char *keyword)
{
	const char *k = strstr(pri, keyword), *h, *end;

	if (!k)
		fail_msg("no section '%s'", keyword);
	h = strstr(k, "\r\n");
	h = strstr(h + 2, "\r\n") + 2;       /* past the column header */
	end = strstr(h, "\r\n\r\n");
	end = end ? end + 2 : h + strlen(h);
	{
		/* The rows alone: ccmig's "!" lines (identities, decisions)
		 * are checked where they matter. */
		struct ccm_buf rows = CCM_BUF_INIT;

		for (const char *p = h, *nl; p < end; p = nl + 2) {
			nl = strstr(p, "\r\n");
			if (*p != '!')
				ccm_buf_add(&rows, p, (size_t)(nl + 2 - p));
		}
		return ccm_buf_detach(&rows, NULL);
	}
}

/* How many times `needle` stands in `hay`. */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void expect_users_in_order(struct run *r, const char *const *users, size_t n,
				  const char *const *rows)
{
	for (size_t i = 0; i < n; i++) {
		char name[32], key[256], *pri, *got;

		snprintf(name, sizeof(name), "%08zu.pri", i + 1);
		pri = file(r, name);
		snprintf(key, sizeof(key), "MAILMESSAGE,\"CCMAIL:%s at SALESPO\"\r\n", users[i]);
		got = rows_of(pri, key);
		if (rows[i])
			assert_non_null(strstr(got, rows[i]));
		else
			assert_string_equal(got, "");
		free(got);
		free(pri);
	}
}

static const char *const users[] = {
	"Smith, John", "Doe, Jane", "Grewal, Jeff", "M\xfcller, J\xfcrgen"
};  /* as code page 1252 writes them */

/* Q194218: a section for a user with no mail at all. */
static void every_user_gets_a_mailmessage_section(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	const char *const rows[] = { "Sent Items,John Smith,J\xfcrgen M\xfcller,,,Re: Gr\xfc\xdf" "e",
				     NULL, "Inbox,", NULL };
	char *pkl = file(r, "SALESPO.pkl");

	(void)state;
	assert_int_equal(r->st.users, 4);
	expect_users_in_order(r, users, 4, rows);
	/* The post office's settings travel in a comment, for forwarded
	 * messages (docs/extract.md). */
	assert_string_equal(pkl, "1252\r\n!ccmig po.txt: code_page=850; date_order=MDY; "
			    "attachments=RAW; item_sizes=yes; time_zone=America/New_York; "
			    "post_office=SALESPO\r\n\r\nFilename,Filetype\r\n"
			    "Directory.pri,Primary\r\n00000001.pri,Primary\r\n"
			    "00000002.pri,Primary\r\n00000003.pri,Primary\r\n"
			    "00000004.pri,Primary\r\nPublic.pri,Primary\r\n"
			    "00000001.sec,Secondary\r\n00000002.sec,Secondary\r\n"
			    "00000003.sec,Secondary\r\n00000004.sec,Secondary\r\n"
			    "Public.sec,Secondary\r\n");
	free(pkl);
	done(r);
}

static void no_mail_still_writes_every_section(void **state)
{
	struct ccm_extract_opts o = { .no_mail = 1 };
	struct run *r = extract(&o);
	const char *const rows[] = { NULL, NULL, NULL, NULL };

	(void)state;
	char *pri;

	expect_users_in_order(r, users, 4, rows);
	assert_int_equal(r->st.messages, 1);    /* the board's: nobody's mail */
	/* Smith and Grewal have mail; Doe and Müller have none to skip. */
	assert_int_equal(ccm_diaglist_count(&r->diags, "mail-not-extracted"), 2);
	/* Each message left out is named, with the option that decided, so
	 * that the store can account for it (iff/srcid.h). */
	pri = file(r, "00000001.pri");
	assert_int_equal(occurrences(pri, "\r\n!ccmig-left-out po=SALESPO&owner="
				     "u:Smith%2C%20John&file=mail/smith.exp&n="), 3);
	assert_int_equal(occurrences(pri, "&why=option:no-mail\r\n"), 3);
	assert_int_equal(occurrences(pri, "!ccmig-id "), 0);
	free(pri);
	/* --no-mail is a decision, not a problem: its notes say so. */
	for (size_t i = 0; i < r->diags.len; i++)
		if (!strcmp(r->diags.items[i].kind, "mail-not-extracted")) {
			assert_true(ccm_diag_is_decision(&r->diags.items[i]));
			assert_true(ccm_diag_leaves_out(&r->diags.items[i]));
		} else if (r->diags.items[i].severity != CCM_ERROR) {
			assert_false(ccm_diag_leaves_out(&r->diags.items[i]));
		}
	done(r);
}

static void mail_all_outside_the_dates_still_writes_every_section(void **state)
{
	struct ccm_extract_opts o = { .has_until = 1, .until = 0 };
	struct run *r = extract(&o);
	const char *const rows[] = { NULL, NULL, NULL, NULL };

	(void)state;
	char *pri;

	expect_users_in_order(r, users, 4, rows);
	assert_int_equal(ccm_diaglist_count(&r->diags, "outside-date-range"), 6);
	assert_int_equal(r->st.skipped, 6);
	pri = file(r, "00000001.pri");
	assert_int_equal(occurrences(pri, "&why=option:date-range\r\n"), 3);
	free(pri);
	done(r);
}

static void directory_rows_for_local_and_mobile_users(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	char *dir = file(r, "Directory.pri");

	(void)state;
	assert_non_null(strstr(dir, "DIRECTORY\r\n"
		"Obj-class,Mode,Common-Name,Display-Name,Last Name,First Name,"
		"Secondary-Proxy-Addresses,Home-Server\r\n"
		"mailbox,create,jsmith,John Smith,Smith,John,"
		"\"MIGRATE:CCMAIL:Smith, John at SALESPO\",~Server\r\n"
		"mailbox,create,jdoe,Jane Doe,Doe,Jane,"
		"\"MIGRATE:CCMAIL:Doe, Jane at SALESPO\",~Server\r\n"
		"mailbox,create,jeffg,Jeff Grewal,Grewal,Jeff,"));
	/* A mobile user too, with an ASCII Common-Name; code page 1252. */
	assert_non_null(strstr(dir, "mailbox,create,jurgenm,J\xfcrgen M\xfcller,M\xfcller,J\xfcrgen,"));
	assert_null(strstr(dir, "Admin"));       /* l: not migrated here */
	free(dir);
	done(r);
}

static void messages_map_folders_flags_dates_and_attachments(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	char *pri = file(r, "00000001.pri"), *sec = file(r, "00000001.sec");

	(void)state;
	/* 11:59 PM local on New Year's Eve 1999, both dates, read, sent. */
	assert_non_null(strstr(pri, "Inbox,J\xfcrgen M\xfcller,John Smith;Jane Doe,,,"
			       "Gr\xfc\xdf" "e zum Jahr 2000,19991231235900,19991231235900,"
			       "0,FALSE,FALSE,#00000001.sec(50)\r\n"));
	/* The impossible date is written clamped; Unread; user folder kept. */
	assert_non_null(strstr(pri, "\"Projects\\1999\",Jane Doe,John Smith,,,[draft] plan,"
			       "19990228100000,19990228100000,0,TRUE,FALSE,"));
	/* The attachment follows its body, named without its date. */
	assert_non_null(strstr(sec, "Body,7,,FALSE,,,\r\nDanke\r\n\r\n"
			       "Attachment,256,,TRUE,\"budget.wk4\",7,\r\n"));
	assert_int_equal(r->st.attachments, 2);
	/* Each row follows the line that names the message it is: post
	 * office, owner, file, number, fingerprint, occurrence. */
	{
		const char *row = strstr(pri, "Inbox,J\xfcrgen M\xfcller,");
		const char *id = strstr(pri, "!ccmig-id po=SALESPO&owner=u:Smith%2C%20John&"
					"file=mail/smith.exp&n=1&fp=");
		assert_non_null(row);
		assert_non_null(id);
		assert_ptr_equal(strstr(id, "&dup=1\r\n") + 8, row);
	}
	/* The RRT: header of message 2 cannot travel: the report says so. */
	assert_int_equal(ccm_diaglist_count(&r->diags, "extra-headers-not-carried"), 1);
	free(pri);
	free(sec);
	done(r);
}

/* Spec 12.7: users of this post office by display name, others with
 * their address in brackets. */
static void recipients_outside_the_post_office_keep_their_address(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	char *pri = file(r, "00000003.pri");

	(void)state;
	/* "Grewal, Jeff at HUB" is this post office's Jeff Grewal: names are
	 * unique across the cc:Mail network (Q237588). */
	assert_non_null(strstr(pri, "Inbox,Jeff Grewal,Admin [CCMAIL:Admin at HUBPO2],,,"
			       "Another message,19980602083900,"));
	assert_non_null(strstr(pri, "Inbox,Admin [CCMAIL:Admin at HUBPO2],Jeff Grewal,,,"
			       "Re: Another message,"));
	free(pri);
	done(r);
}

/* Spec 12.4: what the set's code page cannot hold is counted and reported. */
static void characters_the_code_page_lacks_are_counted(void **state)
{
	struct ccm_extract_opts o = { .code_page = 874 };
	struct run *r;

	(void)state;    /* Thai: no room for the German names */
	r = extract(&o);    /* Thai: no room for the German names */
	assert_true(r->st.replaced > 0);
	assert_int_equal(ccm_diaglist_count(&r->diags, "code-page-replacements"), 1);
	done(r);
}

static void private_address_book_becomes_the_pab_section(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	char *pri = file(r, "00000001.pri"), *rows;

	(void)state;
	rows = rows_of(pri, "PAB,\"CCMAIL:Smith, John at SALESPO\"\r\n");
	assert_non_null(strstr(rows, "entry,Dad,\"CCMAIL:Parkes, Joe at FARPO\",,,"
			       ",,,,,,,,,,,,,,,,,,home\r\n"));
	assert_non_null(strstr(rows, "dl,My Friends,Dad;\"Grande, Jon at SALESPO\","));
	/* The PAB section comes before the MAILMESSAGE section. */
	assert_true(strstr(pri, "PAB,") < strstr(pri, "MAILMESSAGE,"));
	free(rows);
	free(pri);
	done(r);
}

static void bulletin_boards_go_to_public_folders(void **state)
{
	struct ccm_extract_opts o = { 0 };
	struct run *r = extract(&o);
	char *pri = file(r, "Public.pri");

	(void)state;
	assert_non_null(strstr(pri, "MAILMESSAGE,PublicMessages\r\n"));
	assert_non_null(strstr(pri, "\"Lotus cc:Mail Bulletin Boards\\Social\","
			       "John Smith,\"#Social [CCMAIL:#Social at SALESPO]\",,,Party,"
			       "20010101120000,"));
	assert_int_equal(r->st.boards, 1);
	free(pri);
	done(r);
}

/* A policy in C: skip Doe, rename Smith, move one message, skip another. */
static int user_hook(void *ctx, const struct ccm_dir_entry *e, const char *post_office,
		     struct ccm_policy_user *out, struct ccm_error *err)
{
	(void)ctx;
	(void)post_office;
	(void)err;
	if (!strcmp(e->name, "Doe, Jane"))
		return 0;
	if (!strcmp(e->name, "Smith, John")) {
		out->alias = "john.smith";
		out->display_name = "John Q. Smith";
	}
	return 1;
}

static int message_hook(void *ctx, const struct ccm_message *m, const char *user,
			const char *folder, const struct ccm_policy_msginfo *info,
			struct ccm_policy_message *out, struct ccm_error *err)
{
	int *fail = ctx;

	(void)user;
	(void)folder;
	(void)info;
	if (*fail)
		return ccm_error_set(err, CCM_EINVAL, "policy.lua:7: boom");
	if (m->subject && !strcmp(m->subject, "[draft] plan"))
		return 0;
	if (m->subject && !strcmp(m->subject, "Re: Grüße"))
		out->folder = "Archive\\2000";
	return 1;
}

static void policy_hooks_skip_rename_and_move(void **state)
{
	int fail = 0;
	struct ccm_policy pol = { &fail, user_hook, message_hook, NULL };
	struct ccm_extract_opts o = { .policy = &pol };
	struct run *r = extract(&o);
	char *dir = file(r, "Directory.pri"), *pri = file(r, "00000001.pri");

	(void)state;
	assert_int_equal(r->st.users, 3);                 /* Doe skipped */
	assert_null(strstr(dir, "Doe, Jane"));
	assert_non_null(strstr(dir, "mailbox,create,\"john.smith\",\"John Q. Smith\",Smith,John,"));
	assert_non_null(strstr(pri, "\"Archive\\2000\",John Smith,"));
	assert_null(strstr(pri, "[draft] plan"));
	assert_int_equal(ccm_diaglist_count(&r->diags, "user-skipped-by-policy"), 1);
	assert_int_equal(ccm_diaglist_count(&r->diags, "message-skipped-by-policy"), 1);
	free(dir);
	free(pri);
	done(r);
}

/* The fingerprints (fp=...) of a primary file's "!ccmig-id" lines, in order. */
static char *fingerprints(const char *pri)
{
	struct ccm_buf out = CCM_BUF_INIT;

	for (const char *p = pri; (p = strstr(p, "!ccmig-id ")) != NULL; p++) {
		const char *fp = strstr(p, "&fp=");
		ccm_buf_add(&out, fp, 4 + 32);
	}
	return ccm_buf_detach(&out, NULL);
}

/* What the hook saw of "Another message", and the attachment it drops. */
struct seen {
	size_t n_atts;
	unsigned long long size, body_size, att_size;
	char name[32];
	int kind, owner_is_grewal;
	struct ccm_policy_drop drop;
};

static int dropping_hook(void *ctx, const struct ccm_message *m, const char *user,
			 const char *folder, const struct ccm_policy_msginfo *info,
			 struct ccm_policy_message *out, struct ccm_error *err)
{
	struct seen *s = ctx;

	(void)user;
	(void)folder;
	(void)err;
	if (m->subject && !strcmp(m->subject, "Another message")) {
		s->n_atts = info->n_atts;
		s->size = info->size;
		s->body_size = info->body_size;
		s->att_size = info->n_atts ? info->atts[0].size : 0;
		snprintf(s->name, sizeof(s->name), "%s", info->n_atts ? info->atts[0].name : "");
		s->kind = info->n_atts ? (int)info->atts[0].kind : -1;
		s->owner_is_grewal = info->owner && !strcmp(info->owner->name, "Grewal, Jeff");
	}
	if (info->n_atts) {
		s->drop.path[0] = 1;
		s->drop.n_path = 1;
		s->drop.by = "big.lua";
		out->drops = &s->drop;
		out->n_drops = 1;
	}
	return 1;
}

/* The hook measures a message before it decides; an attachment it drops
 * is replaced by a note in the body, reported as a decision and named in
 * the message's identity line, whose fingerprint stays the source's. */
static void policy_drops_an_attachment_and_keeps_a_note(void **state)
{
	struct seen seen = { 0 };
	struct ccm_policy pol = { &seen, NULL, dropping_hook, NULL };
	struct ccm_extract_opts o = { .policy = &pol }, plain = { 0 };
	struct run *r = extract(&o), *r0 = extract(&plain);
	char *pri = file(r, "00000003.pri"), *sec = file(r, "00000003.sec");
	char *pri0 = file(r0, "00000003.pri");
	char *fp = fingerprints(pri), *fp0 = fingerprints(pri0);

	(void)state;
	assert_int_equal(seen.n_atts, 1);
	assert_string_equal(seen.name, "NOTE.TXT");
	assert_int_equal(seen.kind, CCM_ITEM_FILE);
	assert_int_equal(seen.att_size, 4);                  /* "hi\r\n" */
	assert_int_equal(seen.body_size, 26);
	assert_int_equal(seen.size, 30);
	assert_true(seen.owner_is_grewal);
	assert_non_null(strstr(sec, "[attachment 'NOTE.TXT' (4 bytes) was removed by "
			       "policy 'big.lua']\r\n"));
	assert_null(strstr(sec, "NOTE.TXT\r\n"));          /* no Attachment section */
	assert_int_equal(r->st.dropped, 2);                  /* Smith's budget.wk4 too */
	assert_int_equal(r->st.attachments + 2, r0->st.attachments);
	assert_non_null(strstr(pri, "&dropped=1&why=policy:big.lua:message\r\n"));
	assert_string_equal(fp, fp0);
	assert_int_equal(ccm_diaglist_count(&r->diags, "attachment-dropped-by-policy"), 2);
	for (size_t i = 0; i < r->diags.len; i++)
		if (!strcmp(r->diags.items[i].kind, "attachment-dropped-by-policy"))
			assert_true(ccm_diag_is_decision(&r->diags.items[i]));
	free(pri);
	free(sec);
	free(pri0);
	free(fp);
	free(fp0);
	done(r);
	done(r0);
}

/* A hook that fails leaves out the users (and boards) it failed for, whole,
 * and the others go on. */
static void failing_policy_leaves_out_only_those_it_failed_for(void **state)
{
	int fail = 1;
	struct ccm_policy pol = { &fail, NULL, message_hook, NULL };
	struct ccm_extract_opts o = { .policy = &pol };
	struct run *r = extract(&o);
	char *dir = file(r, "Directory.pri"), *pkl = file(r, "SALESPO.pkl");

	(void)state;
	/* Smith and Grewal have mail: the hook fails for them; Doe and Müller
	 * have none, so theirs never runs, and they are migrated. */
	assert_int_equal(r->st.users, 2);
	assert_int_equal(r->st.messages, 0);
	assert_null(strstr(dir, "Smith, John"));
	assert_null(strstr(dir, "Grewal, Jeff"));
	assert_non_null(strstr(dir, "Doe, Jane"));
	assert_int_equal(ccm_diaglist_count(&r->diags, "policy-failed"), 3);  /* + boards */
	for (size_t i = 0; i < r->diags.len; i++)
		if (!strcmp(r->diags.items[i].kind, "policy-failed"))
			assert_non_null(strstr(r->diags.items[i].text, "policy.lua:7"));
	/* Directory.pri is listed first though written last; no file of the
	 * users left out stays in the set. */
	assert_non_null(strstr(pkl, "Filename,Filetype\r\nDirectory.pri,Primary\r\n"));
	assert_null(strstr(pkl, "Public.pri"));
	assert_int_equal(tu_system("ls '%s' | grep -c '\\.pri$' | grep -qx 3", r->set), 0);
	free(dir);
	free(pkl);
	done(r);
}

/* Packed (migrate's own set): users share files, and a user whose hook
 * failed is cut out of them, whether first in its file or not. */
static void packed_set_cuts_out_a_failed_user(void **state)
{
	int fail = 1;
	struct ccm_policy pol = { &fail, NULL, message_hook, NULL };
	struct ccm_extract_opts o = { .policy = &pol, .pack = 1 };
	struct run *r = extract(&o);
	char *pri;

	(void)state;
	assert_int_equal(r->st.users, 2);
	/* Smith failed first in a file (the files went), then Doe started
	 * new ones that Grewal (failed, cut back) and Müller share. */
	assert_int_equal(tu_system("ls '%s' | grep -c '\\.pri$' | grep -qx 2", r->set), 0);
	pri = file(r, "00000002.pri");
	assert_non_null(strstr(pri, "MAILMESSAGE,\"CCMAIL:Doe, Jane at SALESPO\"\r\n"));
	assert_non_null(strstr(pri, "MAILMESSAGE,\"CCMAIL:M\xfcller, J\xfcrgen at SALESPO\"\r\n"));
	assert_null(strstr(pri, "Grewal"));
	assert_null(strstr(pri, "Smith"));
	free(pri);
	done(r);
}

static void folders_map_to_the_target_system(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	int r8;

	(void)state;
	ccm_placing_folder(&b, NULL, NULL, &r8);
	assert_string_equal(b.ptr, "Inbox");
	ccm_placing_folder(&b, NULL, "Message Log", &r8);
	assert_string_equal(b.ptr, "Sent Items");
	ccm_placing_folder(&b, NULL, "TRASH", &r8);
	assert_string_equal(b.ptr, "Deleted Items");
	ccm_placing_folder(&b, NULL, "Message Log\\1998", &r8);
	assert_string_equal(b.ptr, "Sent Items\\1998");
	ccm_placing_folder(&b, NULL, "Clipboard", &r8);
	assert_string_equal(b.ptr, "Clipboard");
	assert_int_equal(r8, 0);
	ccm_placing_folder(&b, NULL, "Rules", &r8);
	assert_int_equal(r8, 1);
	/* A bulletin board has its folder whatever the message says, and is
	 * never a settings folder. */
	ccm_placing_folder(&b, "Social", "Rules", &r8);
	assert_string_equal(b.ptr, "Lotus cc:Mail Bulletin Boards\\Social");
	assert_int_equal(r8, 0);
	ccm_placing_folder(&b, NULL, "Preferences\\x", NULL);
	assert_string_equal(b.ptr, "Preferences\\x");
	ccm_extract_safe_name(&b, "Sales & Marketing PO");
	assert_string_equal(b.ptr, "Sales_Marketing_PO");
	ccm_buf_release(&b);
}

static void names_split_into_first_and_last(void **state)
{
	struct ccm_buf f = CCM_BUF_INIT, l = CCM_BUF_INIT, a = CCM_BUF_INIT;

	(void)state;
	ccm_name_split("Van Horn, Craig", &f, &l);
	assert_string_equal(f.ptr, "Craig");
	assert_string_equal(l.ptr, "Van Horn");
	ccm_name_split("John Q. Public", &f, &l);
	assert_string_equal(f.ptr, "John Q.");
	assert_string_equal(l.ptr, "Public");
	ccm_name_split("jsmith", &f, &l);
	assert_string_equal(f.ptr, "");
	assert_string_equal(l.ptr, "jsmith");
	ccm_name_alias(&a, "Núñez, Íñigo", NULL);
	assert_string_equal(a.ptr, "inigon");
	ccm_name_alias(&a, "Smith, John", "on leave;43/3019");
	assert_string_equal(a.ptr, "johns");
	ccm_name_alias(&a, "Łukasz Żółw", NULL);
	assert_string_equal(a.ptr, "lukaszz");
	ccm_buf_release(&f);
	ccm_buf_release(&l);
	ccm_buf_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_user_gets_a_mailmessage_section),
		cmocka_unit_test(no_mail_still_writes_every_section),
		cmocka_unit_test(mail_all_outside_the_dates_still_writes_every_section),
		cmocka_unit_test(directory_rows_for_local_and_mobile_users),
		cmocka_unit_test(messages_map_folders_flags_dates_and_attachments),
		cmocka_unit_test(recipients_outside_the_post_office_keep_their_address),
		cmocka_unit_test(characters_the_code_page_lacks_are_counted),
		cmocka_unit_test(private_address_book_becomes_the_pab_section),
		cmocka_unit_test(bulletin_boards_go_to_public_folders),
		cmocka_unit_test(policy_hooks_skip_rename_and_move),
		cmocka_unit_test(policy_drops_an_attachment_and_keeps_a_note),
		cmocka_unit_test(failing_policy_leaves_out_only_those_it_failed_for),
		cmocka_unit_test(packed_set_cuts_out_a_failed_user),
		cmocka_unit_test(folders_map_to_the_target_system),
		cmocka_unit_test(names_split_into_first_and_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
