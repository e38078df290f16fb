/* nofollow.c: files and folders written without following a link planted in the output. */
#include "base/nofollow.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int refuse(struct ccm_error *err, const char *shown, const char *what)
{
	return ccm_error_set(err, CCM_EEXISTS, "'%s' is %s, not what ccmig writes; it is "
			     "left as it is and nothing is written through it: remove it "
			     "and run again", shown, what);
}

/* What the thing at `name` in dirfd is, for a refusal. */
static const char *kind_at(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return "not a plain file or folder";
	return S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a folder" :
	       S_ISFIFO(st.st_mode) ? "a pipe" : S_ISREG(st.st_mode) ? "a file" :
	       "a device or socket";
}

int ccm_nofollow_dir(int *out, int dirfd, const char *name, const char *shown,
		     struct ccm_error *err)
{
	int made = mkdirat(dirfd, name, 0700) == 0, fd;

	*out = -1;
	if (!made && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", shown);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return refuse(err, shown, kind_at(dirfd, name));
		return ccm_error_sys(err, errno, "cannot open folder '%s'", shown);
	}
	*out = fd;
	return made;
}

int ccm_nofollow_create(FILE **out, int dirfd, const char *name, const char *shown,
			struct ccm_error *err)
{
	int fd;

	*out = NULL;
	/* unlinkat removes a link itself, never what it points to. */
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) {
		if (errno == EISDIR || errno == EPERM)
			return refuse(err, shown, kind_at(dirfd, name));
		return ccm_error_sys(err, errno, "cannot remove '%s'", shown);
	}
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST || errno == ELOOP)
			return refuse(err, shown, kind_at(dirfd, name));
		return ccm_error_sys(err, errno, "cannot create '%s'", shown);
	}
	if (!(*out = fdopen(fd, "wb"))) {
		int e = errno;

		close(fd);
		return ccm_error_sys(err, e, "cannot create '%s'", shown);
	}
	return 0;
}

int ccm_nofollow_fopen(FILE **out, const char *path, struct ccm_error *err)
{
	/* O_NONBLOCK: opening a pipe with no reader fails at once instead
	 * of waiting for one; it changes nothing for a plain file. */
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	struct stat st;

	*out = NULL;
	if (fd < 0) {
		if (errno == ELOOP || errno == ENXIO || errno == EISDIR)
			return refuse(err, path, kind_at(AT_FDCWD, path));
		return ccm_error_sys(err, errno, "cannot create '%s'", path);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(err, path, kind_at(AT_FDCWD, path));
	}
	if (ftruncate(fd, 0) < 0 || fcntl(fd, F_SETFL, 0) < 0 || !(*out = fdopen(fd, "wb"))) {
		int e = errno;

		close(fd);
		return ccm_error_sys(err, e, "cannot write '%s'", path);
	}
	return 0;
}
