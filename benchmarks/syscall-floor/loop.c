/* Prints the ns per write()+read() pair of one byte through a UNIX socket pair: two syscalls Tapwire traces. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void pair(const int sv[2], char *c)
{
	if (write(sv[0], c, 1) != 1 || read(sv[1], c, 1) != 1) {
		perror("write/read");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	int sv[2];
	char c = 'x';
	struct timespec a, b;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	for (int i = 0; i < 100000; i++)
		pair(sv, &c);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		pair(sv, &c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
