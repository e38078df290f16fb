/* bundle.c: opening a post office bundle and the files it names. */
#include "ccmail/bundle.h"
#include "base/buf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *ccm_bundle_path(const struct ccm_bundle *b, const char *rel)
{
	struct ccm_buf p = CCM_BUF_INIT;

	ccm_buf_addf(&p, "%s/%s", b->root, rel);
	return ccm_buf_detach(&p, NULL);
}

static const struct ccm_manifest_entry *find_entry(const struct ccm_manifest_entry *v,
						   size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!ccm_name_cmp(v[i].name, strlen(v[i].name), name, strlen(name)))
			return &v[i];
	return NULL;
}

const struct ccm_manifest_entry *ccm_bundle_mailbox(const struct ccm_bundle *b,
						    const char *user)
{
	return find_entry(b->manifest.mailboxes, b->manifest.n_mailboxes, user);
}

const struct ccm_manifest_entry *ccm_bundle_private(const struct ccm_bundle *b,
						    const char *user)
{
	return find_entry(b->manifest.privates, b->manifest.n_privates, user);
}

/* Every Mailbox: line must name a local user of the directory. */
static void check_mailboxes(struct ccm_bundle *b)
{
	for (size_t i = 0; i < b->manifest.n_mailboxes; i++) {
		const struct ccm_manifest_entry *e = &b->manifest.mailboxes[i];
		const struct ccm_dir_entry *d = ccm_directory_find(&b->dir, e->name,
								   strlen(e->name));
		struct ccm_diag diag = { CCM_ERROR, "mailbox-not-in-directory", 0,
					 "po.txt", e->line, -1, e->name, 0, NULL };

		if (!d)
			ccm_reportf(b->rep, &diag,
				    "mailbox '%s' is not in the directory; its mail is not "
				    "read. Add the user to directory.exp or fix the name in po.txt",
				    e->name);
		else if (!ccm_dir_entry_is_local_user(d))
			ccm_reportf(b->rep, &diag,
				    "mailbox '%s' is a directory entry of location '%c', not a "
				    "local (L) or mobile (R) user of this post office; its mail "
				    "is not read", e->name, d->location);
	}
}

int ccm_bundle_open(struct ccm_bundle **out, const char *root,
		    struct ccm_report *rep, struct ccm_error *err)
{
	struct ccm_bundle *b;
	struct stat st;
	char *path;
	int rc;

	*out = NULL;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return ccm_error_set(err, CCM_ENOTFOUND,
				     "'%s' is not a folder; give the folder of a post office "
				     "bundle (the one holding po.txt)", root);
	b = calloc(1, sizeof(*b));
	if (!b)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	b->rep = rep;
	b->root = ccm_strdup(root);
	if (!b->root) {
		free(b);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	path = ccm_bundle_path(b, "po.txt");
	rc = ccm_manifest_read(&b->manifest, path, rep, err);
	free(path);
	if (rc < 0)
		goto fail;
	rc = ccm_cp_open(&b->cp, b->manifest.code_page, err);
	if (rc < 0)
		goto fail;
	rc = ccm_tz_open(&b->tz, b->manifest.time_zone, err);
	if (rc < 0)
		goto fail;
	path = ccm_bundle_path(b, b->manifest.directory);
	rc = ccm_directory_read(&b->dir, path, b->manifest.directory, b->cp, rep, err);
	free(path);
	if (rc < 0)
		goto fail;
	if (b->manifest.lists) {
		path = ccm_bundle_path(b, b->manifest.lists);
		rc = ccm_lists_read(&b->lists, path, b->manifest.lists, b->cp, rep, err);
		free(path);
		if (rc < 0) {
			/* Lists are optional: losing them is reported, not fatal. */
			struct ccm_diag d = { CCM_ERROR, "lists-unreadable", 0,
					      b->manifest.lists, 0, -1, NULL, 0, NULL };
			ccm_reportf(rep, &d, "%s; the public lists are not read",
				    err ? err->msg : "cannot read the lists");
			ccm_error_clear(err);
		}
	}
	check_mailboxes(b);
	*out = b;
	return 0;
fail:
	ccm_bundle_free(b);
	return rc;
}

void ccm_bundle_free(struct ccm_bundle *b)
{
	if (!b)
		return;
	ccm_lists_release(&b->lists);
	ccm_directory_release(&b->dir);
	ccm_manifest_release(&b->manifest);
	ccm_cp_free(b->cp);
	ccm_tz_free(b->tz);
	free(b->root);
	free(b);
}

int ccm_bundle_open_messages(struct ccm_msgfile **out,
			     struct ccm_bundle *b,
			     const struct ccm_manifest_entry *e, struct ccm_error *err)
{
	struct ccm_msgfile_opts o = { 0 };
	char *path;
	int rc;

	*out = NULL;
	if (!e->path)
		return ccm_error_set(err, CCM_EINVAL,
				     "po.txt:%ld: the file of '%s' is outside the bundle "
				     "and is not read", e->line, e->name);
	path = ccm_bundle_path(b, e->path);
	o.display = e->path;
	o.user = e->name;
	o.cp = b->cp;
	o.date_order = b->manifest.date_order;
	o.tz = b->tz;
	o.attachments = b->manifest.attachments;
	o.item_sizes = b->manifest.item_sizes;
	o.dir = &b->dir;
	o.home_po = b->manifest.post_office;
	o.rep = b->rep;
	rc = ccm_msgfile_open(out, path, &o, err);
	free(path);
	return rc;
}

int ccm_bundle_read_pab(struct ccm_pab *out,
			struct ccm_bundle *b,
			const struct ccm_manifest_entry *e, struct ccm_error *err)
{
	char *path;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!e->path)
		return ccm_error_set(err, CCM_EINVAL,
				     "po.txt:%ld: the address book of '%s' is outside the "
				     "bundle and is not read", e->line, e->name);
	path = ccm_bundle_path(b, e->path);
	rc = ccm_pab_read(out, path, e->path, b->cp, b->rep, err);
	free(path);
	return rc;
}
