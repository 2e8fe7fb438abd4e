/* The yardstick of kiln's memory stressor: one thread per core, each over its own buffer of the
 * same size, pass after pass writes a pattern that depends on the address and the pass, then
 * reads it back and compares. Counts each byte written once and each byte read once, as kiln
 * does, and prints bytes per second over the whole run.
 *
 *   memloop THREADS BYTES_PER_THREAD SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds;
static size_t words;
static volatile int stop;
static pthread_barrier_t ready;

struct result { uint64_t bytes, errors; };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void *run(void *arg) {
    struct result *r = arg;
    uint64_t *m;
    if (posix_memalign((void **) &m, 2 << 20, words * 8)) {
        perror("posix_memalign");
        exit(1);
    }
    memset(m, 0, words * 8); /* touched before the clock starts, as kiln's buffer is */
    pthread_barrier_wait(&ready);
    for (uint64_t pass = 0; !stop; pass++) {
        uint64_t key = mix(pass + 1);
        for (size_t i = 0; i < words; i++) {
            m[i] = i ^ key;
        }
        r->bytes += words * 8;
        uint64_t bad = 0;
        for (size_t i = 0; i < words; i++) {
            bad += m[i] != (i ^ key);
        }
        r->bytes += words * 8;
        r->errors += bad;
    }
    free(m);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: memloop THREADS BYTES_PER_THREAD SECONDS\n");
        return 2;
    }
    int threads = atoi(argv[1]);
    words = strtoull(argv[2], NULL, 10) / 8;
    seconds = atof(argv[3]);
    pthread_t t[threads];
    struct result r[threads];
    memset(r, 0, sizeof r);
    pthread_barrier_init(&ready, NULL, threads + 1);
    for (int i = 0; i < threads; i++) {
        pthread_create(&t[i], NULL, run, &r[i]);
    }
    pthread_barrier_wait(&ready);
    double start = now();
    while (now() - start < seconds) {
        struct timespec s = {0, 10000000};
        nanosleep(&s, NULL);
    }
    stop = 1;
    uint64_t bytes = 0, errors = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        bytes += r[i].bytes;
        errors += r[i].errors;
    }
    double took = now() - start;
    printf("bytes=%llu seconds=%.3f errors=%llu bytes_per_second=%.0f\n", (unsigned long long) bytes, took,
           (unsigned long long) errors, bytes / took);
    return errors != 0;
}
