/* stock.c: finding a stock policy by its name (--policy skip-mail). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "policy/stock.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"

int ccm_stock_is_name(const char *arg)
{
	size_t n = strlen(arg);

	return n > 0 && !strchr(arg, '/') && !(n >= 4 && !strcmp(arg + n - 4, ".lua"));
}

/* The folder this program runs from, resolved ("" when unknown). */
static void program_dir(char *out, size_t outsz)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	out[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')))
		*slash = '\0';
	if (strlen(exe) < outsz)
		strcpy(out, exe);
}

/* Whether two paths name one folder. */
static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* The folders to look in, in order, each ending in '\n'. */
static void search_path(struct ccm_buf *out)
{
	char dir[PATH_MAX];

	program_dir(dir, sizeof(dir));
	if (dir[0] && same_dir(dir, CCMIG_BUILD_DIR))
		ccm_buf_addf(out, "%s/scripts/policies\n", CCMIG_SOURCE_DIR);
	if (dir[0])
		ccm_buf_addf(out, "%s/../share/ccmig/policies\n", dir);
	ccm_buf_addf(out, "%s/ccmig/policies\n", CCMIG_DATADIR);
}

/* The names of the policies in folder `dir`, sorted, ", " between them;
 * 0 when the folder cannot be read. */
static int list_names(struct ccm_buf *out, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), listed = 0;

	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (len > 4 && !strcmp(ents[i]->d_name + len - 4, ".lua"))
			ccm_buf_addf(out, "%s%.*s", listed++ ? ", " : "", (int)(len - 4),
				     ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return 1;
}

int ccm_stock_find(char **out, const char *name, struct ccm_error *err)
{
	struct ccm_buf dirs = CCM_BUF_INIT, path = CCM_BUF_INIT, names = CCM_BUF_INIT;
	const char *d, *nl;
	int rc;

	*out = NULL;
	search_path(&dirs);
	for (d = dirs.ptr; (nl = strchr(d, '\n')); d = nl + 1) {
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%.*s/%s.lua", (int)(nl - d), d, name);
		if (access(path.ptr, R_OK) == 0) {
			char real[PATH_MAX];

			/* The run records this path: /usr/share/..., not
			 * /usr/bin/../share/... */
			if (realpath(path.ptr, real))
				ccm_buf_set(&path, real, strlen(real));
			*out = ccm_buf_detach(&path, NULL);
			ccm_buf_release(&dirs);
			return 0;
		}
	}
	/* Not found: say which names there are, from the first folder that
	 * holds any, so that a typo is seen at once. */
	for (d = dirs.ptr; (nl = strchr(d, '\n')); d = nl + 1) {
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%.*s", (int)(nl - d), d);
		if (list_names(&names, path.ptr) && names.len)
			break;
	}
	if (names.len)
		rc = ccm_error_set(err, CCM_ENOTFOUND, "no stock policy '%s': the stock "
				   "policies are %s (in %s); a policy of your own is "
				   "given by its file, such as ./%s.lua", name, names.ptr,
				   path.ptr, name);
	else {
		for (char *p = dirs.ptr; (p = strchr(p, '\n')); p++)
			*p = p[1] ? ';' : '\0';
		rc = ccm_error_set(err, CCM_ENOTFOUND, "no stock policy '%s': no stock "
				   "policies are installed beside this ccmig (looked in "
				   "%s); give the policy's file, such as ./%s.lua", name,
				   dirs.ptr, name);
	}
	ccm_buf_release(&dirs);
	ccm_buf_release(&path);
	ccm_buf_release(&names);
	return rc;
}
