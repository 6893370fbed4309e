/* POSIX calls WASI has no system call for, that real CLIs make for
 * cosmetic reasons (a mode after writing a file, the owner, the umask,
 * the user id, a scratch file), and clock(), which wasi-libc emulates:
 * built with no flags through wasmpack's compat library.
 *
 *   c-compat DIR   works on DIR/out.txt (DIR must be writable) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *err_name(int e)
{
	return e == ENOENT ? "ENOENT" : e == EBADF ? "EBADF" : e == ENOSYS ? "ENOSYS" : "other";
}

int main(int argc, char **argv)
{
	char path[512], missing[512], buf[16] = { 0 };
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/out.txt", argc > 1 ? argv[1] : ".");
	snprintf(missing, sizeof(missing), "%s/no-such-dir/x", argc > 1 ? argv[1] : ".");
	if (!(f = fopen(path, "w"))) {
		printf("cannot write %s\n", path);
		return 2;
	}
	fputs("data\n", f);
	fclose(f);
	printf("chmod: %d\n", chmod(path, 0600));
	errno = 0;
	printf("chmod of a missing file: %d %s\n", chmod(missing, 0600), err_name(errno));
	fd = open(path, O_RDONLY);
	printf("fchmod: %d, fchown: %d\n", fchmod(fd, 0644), fchown(fd, 0, 0));
	close(fd);
	errno = 0;
	printf("fchmod of a closed descriptor: %d %s\n", fchmod(fd, 0644), err_name(errno));
	printf("chown: %d\n", chown(path, 0, 0));
	printf("umask: %03o", (unsigned)umask(077));
	printf(", then %03o\n", (unsigned)umask(022));
	printf("uid %d euid %d gid %d egid %d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
	errno = 0;
	if (!(f = tmpfile())) {
		printf("tmpfile: none (%s)\n", err_name(errno));
	} else {
		fputs("scratch", f);
		rewind(f);
		printf("tmpfile: %s\n", fgets(buf, sizeof(buf), f) ? buf : "(unreadable)");
		fclose(f);
	}
	printf("clock: %s\n", clock() != (clock_t)-1 ? "ok" : "failed");
	return 0;
}
