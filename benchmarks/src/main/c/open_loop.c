/*
 * Load generator for the collector benchmark: opens a file for writing and closes it, in a loop, so the kernel
 * emits one FILE_OPEN_WRITE event per iteration. Usage: open_loop PATH SECONDS RATE (RATE 0: as fast as possible).
 * Prints the number of opens it did.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: open_loop PATH SECONDS RATE\n");
        return 2;
    }
    const char *path = argv[1];
    double seconds = atof(argv[2]);
    double rate = atof(argv[3]);
    double start = now();
    long done = 0;
    for (;;) {
        double elapsed = now() - start;
        if (elapsed >= seconds) {
            break;
        }
        if (rate > 0 && done >= (long) (elapsed * rate)) {
            struct timespec pause = {0, 200000};
            nanosleep(&pause, NULL);
            continue;
        }
        int fd = open(path, O_WRONLY | O_CREAT, 0600);
        if (fd >= 0) {
            close(fd);
        }
        done++;
    }
    printf("%ld\n", done);
    return 0;
}
