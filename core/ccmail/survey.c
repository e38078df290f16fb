/* survey.c: a post office at a glance, read in one streaming pass. */
#include "ccmail/survey.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

static int count_folder(struct ccm_folder_count **v, size_t *n, const char *name,
			unsigned long add)
{
	struct ccm_folder_count *p;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name)) {
			(*v)[i].messages += add;
			return 0;
		}
	p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return CCM_ENOMEM;
	*v = p;
	p[*n].name = ccm_strdup(name);
	if (!p[*n].name)
		return CCM_ENOMEM;
	p[*n].messages = add;
	(*n)++;
	return 0;
}

static int is_attachment(enum ccm_item_kind k)
{
	return k != CCM_ITEM_TEXT && k != CCM_ITEM_MESSAGE;
}

/* Counts a message's items, and those of the messages forwarded in it;
 * reads data only where its size is unknown. */
static int survey_items(struct ccm_msgfile *f, struct ccm_mailbox_stats *st,
			struct ccm_error *err)
{
	static char sink[65536];
	const struct ccm_item *it;
	int rc;

	while ((rc = ccm_msgfile_next_item(f, &it, err)) > 0) {
		if (it->kind == CCM_ITEM_MESSAGE) {
			/* A forwarded message's attachments are the mailbox's
			 * too (import makes them attachments of a message of
			 * their own): counted at every depth the reader follows. */
			const struct ccm_message *inner;

			st->forwarded++;
			if ((rc = ccm_msgfile_enter(f, &inner, err)) < 0)
				return rc;
			if (rc > 0 && (rc = survey_items(f, st, err)) < 0)
				return rc;
			continue;
		}
		if (!is_attachment(it->kind))
			continue;
		st->attachments++;
		if (it->size >= 0) {
			st->attachment_bytes += (unsigned long long)it->size;
		} else {
			ssize_t got;
			while ((got = ccm_msgfile_read(f, sink, sizeof(sink), err)) > 0)
				st->attachment_bytes += (unsigned long long)got;
			if (got < 0)
				return (int)got;
		}
	}
	return rc;
}

static int survey_mailbox(struct ccm_bundle *b, const struct ccm_manifest_entry *e,
			  struct ccm_mailbox_stats *st, struct ccm_error *err)
{
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	struct ccm_error oerr;
	int rc;

	st->has_mail = 1;
	if (ccm_bundle_open_messages(&f, b, e, &oerr) < 0) {
		struct ccm_diag d = { CCM_ERROR, "mailbox-unreadable", 0, "po.txt",
				      e->line, -1, e->name, 0, NULL };
		ccm_reportf(b->rep, &d, "%s; the mailbox's mail cannot be read", oerr.msg);
		st->unreadable = 1;
		return 0;
	}
	while ((rc = ccm_msgfile_next(f, &m, err)) > 0) {
		st->messages++;
		rc = count_folder(&st->folders, &st->n_folders,
				  m->folder && *m->folder ? m->folder : "Inbox", 1);
		if (rc < 0)
			break;
		rc = survey_items(f, st, err);
		if (rc < 0)
			break;
		st->bytes += (unsigned long long)(m->size > 0 ? m->size : 0);
	}
	ccm_msgfile_close(f);
	/* A mail file that holds no message is no mail (as po:users says). */
	st->has_mail = st->messages > 0;
	return rc;
}

int ccm_survey_run(struct ccm_survey *s, struct ccm_bundle *b,
		   void (*progress)(void *ctx, size_t done, size_t total,
				    unsigned long long bytes),
		   void *ctx, struct ccm_error *err)
{
	size_t total = 0, done = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];
		s->by_location[(unsigned char)e->location & 127]++;
		if (!b->dir.duplicate[i] && ccm_dir_entry_is_local_user(e))
			total++;
	}
	total += b->manifest.n_boards;
	s->users = calloc(total ? total : 1, sizeof(*s->users));
	s->boards = calloc(b->manifest.n_boards ? b->manifest.n_boards : 1,
			   sizeof(*s->boards));
	if (!s->users || !s->boards)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];
		const struct ccm_manifest_entry *mb, *pe;
		struct ccm_mailbox_stats *st;

		if (b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		st = &s->users[s->n_users++];
		st->name = ccm_strdup(e->name);
		st->location = e->location;
		st->pab_entries = st->pab_lists = -1;
		if (!st->name)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		mb = ccm_bundle_mailbox(b, e->name);
		if (mb && mb->path) {
			if ((rc = survey_mailbox(b, mb, st, err)) < 0)
				return rc;
			s->users_with_mail++;
		}
		pe = ccm_bundle_private(b, e->name);
		if (pe) {
			struct ccm_pab pab;
			struct ccm_error perr;
			if (ccm_bundle_read_pab(&pab, b, pe, &perr) == 0) {
				st->pab_entries = (long)pab.n_entries;
				st->pab_lists = (long)pab.n_lists;
				ccm_pab_release(&pab);
			} else {
				struct ccm_diag d = { CCM_ERROR, "pab-unreadable", 0, "po.txt",
						      pe->line, -1, pe->name, 0, NULL };
				ccm_reportf(b->rep, &d, "%s; the private address book is not read",
					    perr.msg);
			}
		}
		for (size_t k = 0; k < st->n_folders; k++)
			if ((rc = count_folder(&s->folders, &s->n_folders, st->folders[k].name,
					       st->folders[k].messages)) < 0)
				return ccm_error_set(err, rc, "out of memory");
		s->messages += st->messages;
		s->bytes += st->bytes;
		s->attachments += st->attachments;
		s->attachment_bytes += st->attachment_bytes;
		if (progress)
			progress(ctx, ++done, total, s->bytes);
	}
	for (size_t i = 0; i < b->manifest.n_boards; i++) {
		const struct ccm_manifest_entry *e = &b->manifest.boards[i];
		struct ccm_mailbox_stats *st = &s->boards[s->n_boards++];

		st->name = ccm_strdup(e->name);
		st->location = 'B';
		st->pab_entries = st->pab_lists = -1;
		if (!st->name)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		if (e->path && (rc = survey_mailbox(b, e, st, err)) < 0)
			return rc;
		s->bytes += st->bytes;
		if (progress)
			progress(ctx, ++done, total, s->bytes);
	}
	s->lists = b->lists.len;
	for (size_t i = 0; i < b->lists.len; i++)
		s->list_members += b->lists.v[i].n_members;
	return 0;
}

static void stats_release(struct ccm_mailbox_stats *st)
{
	free(st->name);
	for (size_t k = 0; k < st->n_folders; k++)
		free(st->folders[k].name);
	free(st->folders);
}

void ccm_survey_release(struct ccm_survey *s)
{
	for (size_t i = 0; i < s->n_users; i++)
		stats_release(&s->users[i]);
	for (size_t i = 0; i < s->n_boards; i++)
		stats_release(&s->boards[i]);
	for (size_t i = 0; i < s->n_folders; i++)
		free(s->folders[i].name);
	free(s->users);
	free(s->boards);
	free(s->folders);
	memset(s, 0, sizeof(*s));
}
