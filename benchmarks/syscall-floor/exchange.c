/*
 * Prints the ns per HTTP/1.1 exchange over one loopback TCP connection, both ends in this thread, as nginx and a
 * keep-alive client make them: the client writes a request, the server reads it, tries once more and finds nothing
 * (EAGAIN, as nginx does before it waits again), writes the response, and the client reads it. Five syscalls, four of
 * which move bytes that Tapwire's L7 capture classifies and ships.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char REQUEST[] = "GET /static.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: exchange\r\n"
			      "Accept: */*\r\n\r\n";
static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nServer: exchange\r\nContent-Type: text/plain\r\n"
			       "Content-Length: 12\r\n\r\nhello world\n";

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void exchange(int client, int server, char *buf)
{
	if (write(client, REQUEST, sizeof(REQUEST) - 1) != sizeof(REQUEST) - 1)
		fail("client write");
	if (read(server, buf, 4096) != sizeof(REQUEST) - 1)
		fail("server read");
	if (read(server, buf, 4096) != -1 || errno != EAGAIN)
		fail("server read (EAGAIN expected)");
	if (write(server, RESPONSE, sizeof(RESPONSE) - 1) != sizeof(RESPONSE) - 1)
		fail("server write");
	if (read(client, buf, 4096) != sizeof(RESPONSE) - 1)
		fail("client read");
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 500000;
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof(addr);
	int listener, client, server;
	char buf[4096];
	struct timespec a, b;

	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 1)
	    || getsockname(listener, (struct sockaddr *)&addr, &length))
		fail("listen");
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof(addr)))
		fail("connect");
	server = accept(listener, NULL, NULL);
	if (server < 0 || fcntl(server, F_SETFL, O_NONBLOCK))
		fail("accept");
	for (int i = 0; i < 50000; i++)
		exchange(client, server, buf);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		exchange(client, server, buf);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
