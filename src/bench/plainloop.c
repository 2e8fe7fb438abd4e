/*
 * The yardstick for kiln's file storm: T threads, each creating 1 KiB files with
 * open(O_CREAT|O_EXCL)/write/close in its own directory, sharded 1000 files to a
 * sub-directory like kiln. With KEEP, each thread keeps at most that many files: after each
 * create it unlinks the oldest, and removes a shard once its last file is gone (kiln's churn,
 * --max-files KEEP). Prints files created per second over the run and, for runs of 6 s or more, in
 * the window kiln's steady state is measured over (3 s after the start to 1 s before the end:
 * this file system slows as it fills, so a loop's whole run and kiln's later seconds would not
 * compare like with like), then removes what it made.
 *
 * The last argument says how a file is named to the kernel. "path" (the default): by its whole
 * path, as most programs do, so each create and delete walks DIR/tN/dNNNNNN again. "at": as kiln
 * does it, relative to the shard directory the thread holds open (openat/unlinkat with
 * O_NOFOLLOW, kiln's file names and mode), so no walk at all. "at" is what a program doing
 * exactly kiln's system calls makes, with nothing else in the way: the ceiling for kiln's design
 * on this machine, where "path" is the yardstick a plain program sets.
 *
 *   plainloop DIR THREADS SECONDS [SIZE [KEEP [path|at]]]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
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
static int at; /* 1: relative to the shard held open, as kiln does */
/* files made so far, one cache line per thread: the main thread reads them for the steady state */
static struct { _Atomic long n; char pad[56]; } counts[256];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the shard directory of file n made and opened, relative to the thread's directory; -1 on error */
static int openshard(int tdir, long n) {
    char name[32];
    snprintf(name, sizeof name, "d%06ld", n / 1000);
    mkdirat(tdir, name, 0755);
    return openat(tdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static void *run(void *arg) {
    long id = (long) arg, n = 0;
    char path[4096], *buf = malloc(size);
    memset(buf, 'k', size);
    snprintf(path, sizeof path, "%s/t%ld", root, id);
    mkdir(path, 0755);
    int tdir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), shard = -1, oldshard = -1;
    if (tdir < 0) { perror(path); exit(1); }
    double end = now() + seconds;
    while ((n & 255) || now() < end) {
        int fd;
        if (at) {
            if (n % 1000 == 0) {
                if (shard >= 0) close(shard);
                if ((shard = openshard(tdir, n)) < 0) { perror("shard"); exit(1); }
            }
            snprintf(path, sizeof path, "%ld.kiln", n);
            fd = openat(shard, path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0400);
        } else {
            if (n % 1000 == 0) {
                snprintf(path, sizeof path, "%s/t%ld/d%06ld", root, id, n / 1000);
                mkdir(path, 0755);
            }
            snprintf(path, sizeof path, "%s/t%ld/d%06ld/%ld", root, id, n / 1000, n);
            fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        }
        if (fd < 0 || write(fd, buf, size) != (ssize_t) size) { perror(path); exit(1); }
        close(fd);
        if (keep > 0 && n >= keep) {
            long old = n - keep;
            int gone;
            if (at) {
                /* the oldest file's shard is held open from its first delete to its last (kiln holds
                 * it from its first create; one open more per 1000 files) */
                if (old % 1000 == 0 && (oldshard = openshard(tdir, old)) < 0) { perror("old shard"); exit(1); }
                snprintf(path, sizeof path, "%ld.kiln", old);
                gone = unlinkat(oldshard, path, 0);
            } else {
                snprintf(path, sizeof path, "%s/t%ld/d%06ld/%ld", root, id, old / 1000, old);
                gone = unlink(path);
            }
            if (gone != 0) { perror(path); exit(1); }
            if (old % 1000 == 999) {
                if (at) {
                    close(oldshard);
                    oldshard = -1;
                    snprintf(path, sizeof path, "d%06ld", old / 1000);
                    gone = unlinkat(tdir, path, AT_REMOVEDIR);
                } else {
                    snprintf(path, sizeof path, "%s/t%ld/d%06ld", root, id, old / 1000);
                    gone = rmdir(path);
                }
                if (gone != 0) { perror(path); exit(1); }
            }
        }
        n++;
        atomic_store_explicit(&counts[id].n, n, memory_order_relaxed);
    }
    if (shard >= 0) close(shard);
    if (oldshard >= 0) close(oldshard);
    close(tdir);
    free(buf);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: plainloop DIR THREADS SECONDS [SIZE [KEEP [path|at]]]\n"); return 2; }
    root = argv[1];
    int threads = atoi(argv[2]);
    seconds = atof(argv[3]);
    if (argc > 4) size = (size_t) atol(argv[4]);
    if (argc > 5) keep = atol(argv[5]);
    if (argc > 6) {
        if (strcmp(argv[6], "at") == 0) at = 1;
        else if (strcmp(argv[6], "path") != 0) { fprintf(stderr, "plainloop: naming must be path or at: %s\n", argv[6]); return 2; }
    }
    if (threads < 1 || threads > 256) return 2;
    mkdir(root, 0755);
    pthread_t t[256];
    double start = now();
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, (void *) i);
    double steady = 0;
    if (seconds >= 6) {
        long at[2];
        double when[2], mark[2] = {start + 3, start + seconds - 1};
        for (int k = 0; k < 2; k++) {
            /* one sleep to each mark, not a poll: the loop's threads keep both cores */
            struct timespec until = {(time_t) mark[k], (long) ((mark[k] - (time_t) mark[k]) * 1e9)};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0) { }
            when[k] = now();
            at[k] = 0;
            for (int i = 0; i < threads; i++) at[k] += atomic_load_explicit(&counts[i].n, memory_order_relaxed);
        }
        steady = (at[1] - at[0]) / (when[1] - when[0]);
    }
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i].n; }
    double took = now() - start;
    printf("plainloop naming=%s threads=%d files=%ld seconds=%.2f steady_per_second=%.0f files_per_second=%.0f\n",
           at ? "at" : "path", threads, total, took, steady, total / took);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : 1;
}
