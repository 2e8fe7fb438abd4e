/* The C yardstick for kiln's fma cpu method: the same work, twelve independent 256-bit
 * accumulators each doing fma(fma(x, M1, C1), M2, C2), in AVX2 FMA instructions.
 *
 *   gcc -O2 -mavx2 -mfma -o fmaloop fmaloop.c && taskset -c 0 ./fmaloop 3
 *
 * Prints GFLOP/s (one FMA = 2 flops) over the given seconds, on one thread: run one per core. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3;
    const __m256d m1 = _mm256_set1_pd(1 + 0x1p-20), c1 = _mm256_set1_pd(0x1p-10);
    const __m256d m2 = _mm256_set1_pd(1 - 0x1p-20), c2 = _mm256_set1_pd(-0x1p-10);
    __m256d a[12];
    for (int i = 0; i < 12; i++) a[i] = _mm256_set_pd(i * 0.1, i * 0.1 + 0.01, i * 0.1 + 0.02, i * 0.1 + 0.03);
    __m256d a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
    __m256d a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11];
    long iterations = 0;
    double start = now(), end = start + seconds, t;
    do {
        for (int i = 0; i < 100000; i++) {
            a0 = _mm256_fmadd_pd(a0, m1, c1); a1 = _mm256_fmadd_pd(a1, m1, c1);
            a2 = _mm256_fmadd_pd(a2, m1, c1); a3 = _mm256_fmadd_pd(a3, m1, c1);
            a4 = _mm256_fmadd_pd(a4, m1, c1); a5 = _mm256_fmadd_pd(a5, m1, c1);
            a6 = _mm256_fmadd_pd(a6, m1, c1); a7 = _mm256_fmadd_pd(a7, m1, c1);
            a8 = _mm256_fmadd_pd(a8, m1, c1); a9 = _mm256_fmadd_pd(a9, m1, c1);
            a10 = _mm256_fmadd_pd(a10, m1, c1); a11 = _mm256_fmadd_pd(a11, m1, c1);
            a0 = _mm256_fmadd_pd(a0, m2, c2); a1 = _mm256_fmadd_pd(a1, m2, c2);
            a2 = _mm256_fmadd_pd(a2, m2, c2); a3 = _mm256_fmadd_pd(a3, m2, c2);
            a4 = _mm256_fmadd_pd(a4, m2, c2); a5 = _mm256_fmadd_pd(a5, m2, c2);
            a6 = _mm256_fmadd_pd(a6, m2, c2); a7 = _mm256_fmadd_pd(a7, m2, c2);
            a8 = _mm256_fmadd_pd(a8, m2, c2); a9 = _mm256_fmadd_pd(a9, m2, c2);
            a10 = _mm256_fmadd_pd(a10, m2, c2); a11 = _mm256_fmadd_pd(a11, m2, c2);
        }
        iterations += 100000;
        t = now();
    } while (t < end);
    __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)),
                              _mm256_add_pd(_mm256_add_pd(a4, a5), _mm256_add_pd(a6, a7)));
    s = _mm256_add_pd(s, _mm256_add_pd(_mm256_add_pd(a8, a9), _mm256_add_pd(a10, a11)));
    double out[4];
    _mm256_storeu_pd(out, s);
    double flops = (double) iterations * 24 * 4 * 2;
    printf("%.2f GFLOP/s (%.3f s, checksum %g)\n", flops / (t - start) / 1e9, t - start, out[0] + out[1] + out[2] + out[3]);
    return 0;
}
