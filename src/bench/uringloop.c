/*
 * Whether io_uring could make kiln's file storm faster: T threads, each creating 1 KiB files in
 * sub-directories of 1000 files held open (kiln's shards), either with one openat/write/close per
 * file relative to the shard's descriptor (what kiln's native path does), or through an io_uring
 * per thread in batches of B files, each file three linked requests: OPENAT into a direct
 * descriptor slot, WRITE through it, CLOSE of the slot. One io_uring_enter submits a batch and
 * waits for it. MODE open keeps the open a plain openat call (the kernel hands an O_CREAT open in a
 * ring to its worker threads) and sends only each file's linked WRITE and CLOSE through the ring:
 * one system call per file plus one per batch, against three. Prints files/s over the run and
 * removes nothing (run it in a fresh tmpfs dir).
 *
 *   uringloop DIR THREADS SECONDS BATCH [MODE]     BATCH 0: plain openat/write/close
 *                                                  MODE linked (default) or open
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *root;
static double seconds;
static int batch;
static int open_direct; /* MODE open: openat called directly, WRITE and CLOSE in the ring */
static long counts[256];
static char buf[1024];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int err) {
    fprintf(stderr, "%s: %s\n", what, strerror(err));
    exit(1);
}

struct ring {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
};

static void ring_init(struct ring *r, unsigned entries, unsigned slots) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    r->fd = (int) syscall(__NR_io_uring_setup, entries, &p);
    if (r->fd < 0) die("io_uring_setup", errno);
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   r->fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) die("mmap", errno);
    r->sq_tail = (unsigned *) (sq + p.sq_off.tail);
    r->sq_mask = (unsigned *) (sq + p.sq_off.ring_mask);
    r->sq_array = (unsigned *) (sq + p.sq_off.array);
    r->cq_head = (unsigned *) (cq + p.cq_off.head);
    r->cq_tail = (unsigned *) (cq + p.cq_off.tail);
    r->cq_mask = (unsigned *) (cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
    struct io_uring_rsrc_register reg;
    memset(&reg, 0, sizeof reg);
    reg.nr = slots;
    reg.flags = IORING_RSRC_REGISTER_SPARSE;
    if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_FILES2, &reg, sizeof reg) < 0)
        die("register sparse files", errno);
}

static struct io_uring_sqe *sqe_at(struct ring *r, unsigned tail) {
    unsigned i = tail & *r->sq_mask;
    r->sq_array[i] = i;
    struct io_uring_sqe *s = &r->sqes[i];
    memset(s, 0, sizeof *s);
    return s;
}

static void *run(void *arg) {
    long id = (long) arg, n = 0;
    char path[4096], name[32];
    snprintf(path, sizeof path, "%s/t%ld", root, id);
    mkdir(path, 0700);
    int wdir = open(path, O_RDONLY | O_DIRECTORY), shard = -1;
    struct ring r = {0};
    if (batch > 0) ring_init(&r, (unsigned) batch * 4, (unsigned) batch);
    char (*names)[32] = calloc((size_t) (batch > 0 ? batch : 1), 32);
    double end = now() + seconds;
    while (now() < end) {
        int todo = batch > 0 ? batch : 256;
        if (n % 1000 + todo > 1000) todo = (int) (1000 - n % 1000); /* a batch stays in one shard */
        if (n % 1000 == 0) {
            if (shard >= 0) close(shard);
            snprintf(name, sizeof name, "d%06ld", n / 1000);
            mkdirat(wdir, name, 0700);
            shard = openat(wdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        }
        if (batch == 0) {
            for (int i = 0; i < todo; i++, n++) {
                snprintf(name, sizeof name, "%ld.kiln", n);
                int fd = openat(shard, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0400);
                if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t) sizeof buf) die(name, errno);
                close(fd);
            }
            continue;
        }
        unsigned tail = *r.sq_tail, per_file = open_direct ? 2 : 3;
        for (int i = 0; i < todo && open_direct; i++) {
            snprintf(name, sizeof name, "%ld.kiln", n + i);
            int fd = openat(shard, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0400);
            if (fd < 0) die(name, errno);
            struct io_uring_sqe *s = sqe_at(&r, tail++);
            s->opcode = IORING_OP_WRITE;
            s->fd = fd;
            s->addr = (unsigned long) buf;
            s->len = sizeof buf;
            s->flags = IOSQE_IO_LINK;
            s = sqe_at(&r, tail++);
            s->opcode = IORING_OP_CLOSE;
            s->fd = fd;
        }
        for (int i = 0; i < todo && !open_direct; i++) {
            snprintf(names[i], 32, "%ld.kiln", n + i);
            struct io_uring_sqe *s = sqe_at(&r, tail++);
            s->opcode = IORING_OP_OPENAT;
            s->fd = shard;
            s->addr = (unsigned long) names[i];
            s->open_flags = O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW; /* a direct descriptor refuses O_CLOEXEC */
            s->len = 0400;
            s->file_index = (unsigned) i + 1;
            s->flags = IOSQE_IO_LINK;
            s = sqe_at(&r, tail++);
            s->opcode = IORING_OP_WRITE;
            s->fd = i;
            s->addr = (unsigned long) buf;
            s->len = sizeof buf;
            s->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK;
            s = sqe_at(&r, tail++);
            s->opcode = IORING_OP_CLOSE;
            s->file_index = (unsigned) i + 1;
        }
        __atomic_store_n(r.sq_tail, tail, __ATOMIC_RELEASE);
        unsigned want = (unsigned) todo * per_file;
        if (syscall(__NR_io_uring_enter, r.fd, want, want, IORING_ENTER_GETEVENTS, NULL, 0) < 0) die("io_uring_enter", errno);
        unsigned head = *r.cq_head, got = 0;
        while (got < want) {
            unsigned ctail = __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE);
            for (; head != ctail; head++, got++) {
                struct io_uring_cqe *c = &r.cqes[head & *r.cq_mask];
                if (c->res < 0) die("request", -c->res);
            }
            __atomic_store_n(r.cq_head, head, __ATOMIC_RELEASE);
            if (got < want && syscall(__NR_io_uring_enter, r.fd, 0, want - got, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
                die("io_uring_enter wait", errno);
        }
        n += todo;
    }
    counts[id] = n;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: uringloop DIR THREADS SECONDS BATCH [linked|open]\n"); return 2; }
    root = argv[1];
    int threads = atoi(argv[2]);
    seconds = atof(argv[3]);
    batch = atoi(argv[4]);
    if (argc > 5 && strcmp(argv[5], "open") == 0) open_direct = 1;
    else if (argc > 5 && strcmp(argv[5], "linked") != 0) { fprintf(stderr, "MODE is linked or open\n"); return 2; }
    if (threads < 1 || threads > 256 || batch < 0 || batch > 1000) return 2;
    memset(buf, 'k', sizeof buf);
    mkdir(root, 0700);
    pthread_t t[256];
    double t0 = now();
    for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, run, (void *) i);
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i]; }
    printf("batch=%d mode=%s files=%ld files_per_second=%.0f\n", batch, batch == 0 ? "plain" : open_direct ? "open" : "linked", total, total / (now() - t0));
    return 0;
}
