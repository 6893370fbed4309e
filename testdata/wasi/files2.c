/* files2.c - files and directories through libc beneath a preopen mounted at
 * /data (mkdir, create, read, append, stat, rename, readdir, unlink,
 * rmdir, pwrite past the end, an escape attempt): run as a bare preview1
 * module and as an adapted WASI 0.2 component, both must print the same. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[64];
	int n = 0, i;

	if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return; }
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(char *), cmp);
	printf("%s:", dir);
	for (i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
	printf("\n");
}

int main(void)
{
	char buf[64] = {0};
	struct stat st;
	FILE *f;
	int fd;

	printf("mkdir: %d\n", mkdir("/data/sub", 0755));
	f = fopen("/data/sub/a.txt", "w");
	printf("fopen w: %s\n", f ? "ok" : strerror(errno));
	fputs("hello, file\n", f);
	fclose(f);
	f = fopen("/data/sub/a.txt", "r");
	printf("read back: %s", fgets(buf, sizeof(buf), f));
	fclose(f);
	f = fopen("/data/sub/a.txt", "a");
	fputs("more\n", f);
	fclose(f);
	stat("/data/sub/a.txt", &st);
	printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	printf("rename: %d\n", rename("/data/sub/a.txt", "/data/b.txt"));
	list("/data");
	list("/data/sub");
	printf("open missing: %s\n", open("/data/none", O_RDONLY) < 0 ? strerror(errno) : "opened?");
	printf("escape: %s\n", open("/data/../../etc/passwd", O_RDONLY) < 0 ? strerror(errno) : "OPENED");
	printf("rmdir non-empty: %d\n", rmdir("/data") == 0 ? 0 : errno == ENOTEMPTY || errno == EBUSY || errno == EACCES);
	printf("unlink: %d rmdir: %d\n", unlink("/data/b.txt"), rmdir("/data/sub"));
	fd = open("/data/c", O_CREAT | O_WRONLY, 0644);
	printf("pwrite: %zd\n", pwrite(fd, "xyz", 3, 10));
	fstat(fd, &st);
	printf("size after pwrite at 10: %lld\n", (long long)st.st_size);
	close(fd);
	unlink("/data/c");
	list("/data");
	return 0;
}
