/*
 * tbvm-helper.c - the qemu tier's in-guest helper (tests/vm): a static multi-call binary
 * packed into every guest initramfs next to tracebook.  It is test equipment, not part
 * of tracebook.
 *
 *   tbvm-helper jflat FILE           print every JSON leaf as "path=value" (json-c), so the
 *                                    busy-box guest script can grep reports and probe output
 *   tbvm-helper plant N CHURN_MS STOPFILE
 *                                    plant N long-lived kmalloc objects from one known call
 *                                    site (eventfd(): do_eventfd's kmalloc of the ctx), churn
 *                                    other allocations (eventfd/pipe/open+close) for CHURN_MS,
 *                                    print "planted N", then hold the N objects until STOPFILE
 *                                    exists (or 300 s), and release them
 *   tbvm-helper epoll N M STOPFILE   add N eventfds to an epoll set (N eventpoll_epi objects),
 *                                    delete M of them, print "epoll N M", hold as above
 *   tbvm-helper inotify N M DIR STOPFILE
 *                                    watch N new files in DIR (N inotify_inode_mark objects, a
 *                                    cache tracebook itself never uses), remove M watches,
 *                                    print "inotify N M", hold as above
 *   tbvm-helper opens N              open()+close() /proc/self/stat N times (do_filp_open)
 *   tbvm-helper readlinks N          readlink("/proc/self/cwd") N times: N path_get and N
 *                                    path_put of one struct path in proc_cwd_link
 *   tbvm-helper pipes N STOPFILE     N pipes with one page written into each (N order-0
 *                                    pages allocated in pipe_write), print "pipes N", hold
 *                                    as above, then close them (the pages are freed)
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void flatten(const char *path, struct json_object *o)
{
	char sub[1024];

	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
			flatten(sub, val);
		}
		break;
	}
	case json_type_array: {
		size_t i, n = json_object_array_length(o);

		for (i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s%s%zu", path, *path ? "." : "", i);
			flatten(sub, json_object_array_get_idx(o, i));
		}
		if (!n)
			printf("%s=[]\n", path);
		break;
	}
	case json_type_null:
		printf("%s=null\n", path);
		break;
	default:
		printf("%s=%s\n", path, json_object_get_string(o));
		break;
	}
}

static int cmd_jflat(const char *file)
{
	struct json_object *o = json_object_from_file(file);

	if (!o) {
		fprintf(stderr, "tbvm-helper: %s: not JSON: %s\n", file, json_util_get_last_err());
		return 1;
	}
	flatten("", o);
	json_object_put(o);
	return 0;
}

static void hold(const char *stopfile)
{
	double end = now_s() + 300;
	struct stat st;

	while (now_s() < end && stat(stopfile, &st) != 0)
		usleep(20000);
}

static void churn(int ms)
{
	double end = now_s() + ms / 1000.0;
	int p[2], fd;

	while (now_s() < end) {
		fd = eventfd(0, 0);
		if (fd >= 0)
			close(fd);
		if (pipe(p) == 0) {
			close(p[0]);
			close(p[1]);
		}
		fd = open("/proc/self/stat", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
}

static int cmd_plant(int n, int churn_ms, const char *stopfile)
{
	int *fds = calloc(n, sizeof(*fds));
	int i, made = 0;

	if (!fds)
		return 1;
	churn(churn_ms / 2);
	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, 0);
		if (fds[i] >= 0)
			made++;
	}
	churn(churn_ms - churn_ms / 2);
	printf("planted %d\n", made);
	fflush(stdout);
	hold(stopfile);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return made == n ? 0 : 1;
}

static int cmd_epoll(int n, int m, const char *stopfile)
{
	int *fds = calloc(n, sizeof(*fds));
	int ep = epoll_create1(0), i, added = 0, deleted = 0;
	struct epoll_event ev = { .events = EPOLLIN };

	if (!fds || ep < 0) {
		free(fds);
		return 1;
	}
	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, 0);
		ev.data.fd = fds[i];
		if (fds[i] >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) == 0)
			added++;
	}
	for (i = 0; i < m && i < n; i++)
		if (epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL) == 0)
			deleted++;
	printf("epoll %d %d\n", added, deleted);
	fflush(stdout);
	hold(stopfile);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	close(ep);
	free(fds);
	return added == n && deleted == m ? 0 : 1;
}

static int cmd_inotify(int n, int m, const char *dir, const char *stopfile)
{
	int *wds = calloc(n, sizeof(*wds));
	int in = inotify_init1(0), i, fd, added = 0, removed = 0;
	char path[4096];

	if (!wds || in < 0) {
		free(wds);
		return 1;
	}
	mkdir(dir, 0755);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			close(fd);
		wds[i] = inotify_add_watch(in, path, IN_MODIFY);
		if (wds[i] >= 0)
			added++;
	}
	for (i = 0; i < m && i < n; i++)
		if (inotify_rm_watch(in, wds[i]) == 0)
			removed++;
	printf("inotify %d %d\n", added, removed);
	fflush(stdout);
	hold(stopfile);
	close(in);
	free(wds);
	return added == n && removed == m ? 0 : 1;
}

static int cmd_opens(int n)
{
	int i, fd, ok = 0;

	for (i = 0; i < n; i++) {
		fd = open("/proc/self/stat", O_RDONLY);
		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	printf("opened %d\n", ok);
	return ok == n ? 0 : 1;
}

static int cmd_readlinks(int n)
{
	char buf[4096];
	int i, ok = 0;

	for (i = 0; i < n; i++)
		if (readlink("/proc/self/cwd", buf, sizeof(buf)) > 0)
			ok++;
	printf("readlinks %d\n", ok);
	return ok == n ? 0 : 1;
}

static int cmd_pipes(int n, const char *stopfile)
{
	int (*p)[2] = calloc(n, sizeof(*p));
	char page[4096];
	int i, made = 0;

	if (!p)
		return 1;
	memset(page, 'p', sizeof(page));
	for (i = 0; i < n; i++) {
		if (pipe(p[i]) != 0) {
			p[i][0] = p[i][1] = -1;
			continue;
		}
		if (write(p[i][1], page, sizeof(page)) == (ssize_t)sizeof(page))
			made++;
	}
	printf("pipes %d\n", made);
	fflush(stdout);
	hold(stopfile);
	for (i = 0; i < n; i++) {
		if (p[i][0] >= 0)
			close(p[i][0]);
		if (p[i][1] >= 0)
			close(p[i][1]);
	}
	free(p);
	return made == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "jflat"))
		return cmd_jflat(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "plant"))
		return cmd_plant(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "epoll"))
		return cmd_epoll(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc == 6 && !strcmp(argv[1], "inotify"))
		return cmd_inotify(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5]);
	if (argc == 3 && !strcmp(argv[1], "opens"))
		return cmd_opens(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "readlinks"))
		return cmd_readlinks(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "pipes"))
		return cmd_pipes(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: tbvm-helper jflat FILE | plant N CHURN_MS STOPFILE | "
		"epoll N M STOPFILE | inotify N M DIR STOPFILE | opens N | readlinks N | "
		"pipes N STOPFILE\n");
	return 2;
}
