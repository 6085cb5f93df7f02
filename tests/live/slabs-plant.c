/*
 * slabs-plant.c - planted workload for tests/live/slabs.sh: holds N AF_UNIX stream
 * socket pairs open (kernel objects in the UNIX-STREAM, sock_inode_cache and filp
 * caches), prints "ready" and waits until its standard input closes, then exits
 * (closing them all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? strtol(argv[1], NULL, 10) : 5000, i;
	struct rlimit rl;
	char c;
	int sv[2];

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < pairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
			perror("socketpair");
			break;
		}
	}
	printf("ready %ld\n", i);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
