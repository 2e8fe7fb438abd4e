/*
 * The yardstick for kiln's file storm: T threads, each creating 1 KiB files with
 * open(O_CREAT|O_EXCL)/write/close in its own directory, sharded 1000 files to a
 * sub-directory like kiln. With KEEP, each thread keeps at most that many files: after each
 * create it unlinks the oldest, and removes a shard once its last file is gone (kiln's churn,
 * --max-files KEEP). Prints files created per second over the run, then removes what it made.
 *
 *   plainloop DIR THREADS SECONDS [SIZE [KEEP]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *root;
static double seconds;
static size_t size = 1024;
static long keep;
static long counts[256];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg) {
    long id = (long) arg, n = 0;
    char path[4096], *buf = malloc(size);
    memset(buf, 'k', size);
    snprintf(path, sizeof path, "%s/t%ld", root, id);
    mkdir(path, 0755);
    double end = now() + seconds;
    while ((n & 255) || now() < end) {
        if (n % 1000 == 0) {
            snprintf(path, sizeof path, "%s/t%ld/d%06ld", root, id, n / 1000);
            mkdir(path, 0755);
        }
        snprintf(path, sizeof path, "%s/t%ld/d%06ld/%ld", root, id, n / 1000, n);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0 || write(fd, buf, size) != (ssize_t) size) { perror(path); exit(1); }
        close(fd);
        if (keep > 0 && n >= keep) {
            long old = n - keep;
            snprintf(path, sizeof path, "%s/t%ld/d%06ld/%ld", root, id, old / 1000, old);
            if (unlink(path) != 0) { perror(path); exit(1); }
            if (old % 1000 == 999) {
                snprintf(path, sizeof path, "%s/t%ld/d%06ld", root, id, old / 1000);
                if (rmdir(path) != 0) { perror(path); exit(1); }
            }
        }
        n++;
    }
    counts[id] = n;
    free(buf);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: plainloop DIR THREADS SECONDS [SIZE [KEEP]]\n"); return 2; }
    root = argv[1];
    int threads = atoi(argv[2]);
    seconds = atof(argv[3]);
    if (argc > 4) size = (size_t) atol(argv[4]);
    if (argc > 5) keep = atol(argv[5]);
    if (threads < 1 || threads > 256) return 2;
    mkdir(root, 0755);
    pthread_t t[256];
    double start = now();
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, (void *) i);
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i]; }
    double took = now() - start;
    printf("plainloop threads=%d files=%ld seconds=%.2f files_per_second=%.0f\n", threads, total, took, total / took);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : 1;
}
