/* Single-core FMA peak of this machine, single precision, measured with a kernel of our own:
 * ACC independent chains of 512-bit (else 256-bit) fused multiply-adds on registers, no memory traffic.
 * Enough chains to cover the FMA latency on every FMA pipe (Zen 5: latency 4, two pipes -> 8 needed;
 * 16 are used). Prints the best of REPS runs of about 20 ms each (noise from other processes can only
 * lower a run's rate, so the best run is the estimate of the peak), the median, and the median by the
 * thread's CPU time (which leaves out the time the thread waited for the core).
 * Build: gcc -O2 -march=native -o fma_peak fma_peak.c    Usage: fma_peak [REPS, default 50] */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif
#define ACC 16

static double clock_s(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_s(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }
static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* a = a * m + c on ACC independent registers, iterations times. noipa: gcc would otherwise see a
 * const function and reuse one call's result for the next call with the same arguments. */
__attribute__((noipa)) static float chains(long iterations, float seed) {
    vec acc[ACC];
    for (int k = 0; k < ACC; k++) acc[k] = SET1(seed + (float)k * 1e-3f);
    const vec m = SET1(0.999999f), c = SET1(1e-7f);
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
        for (int k = 0; k < ACC; k++) acc[k] = FMA(acc[k], m, c);
    }
    vec sum = acc[0];
    for (int k = 1; k < ACC; k++) sum = ADD(sum, acc[k]);
    float out[LANES];
    STORE(out, sum);
    float s = 0;
    for (int l = 0; l < LANES; l++) s += out[l];
    return s;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 50;
    if (reps < 1 || reps > 1000) reps = 50;
    double rates[1000], cpu_rates[1000];
    volatile float sink = 0;
    long iterations = 1000000;
    sink += chains(iterations, 0.5f); /* warm-up; also sizes a run to about 20 ms */
    double t0 = now_s();
    sink += chains(iterations, 1.0f);
    double t = now_s() - t0;
    iterations = (long)(iterations * 0.02 / (t > 1e-6 ? t : 1e-6));
    for (int r = 0; r < reps; r++) {
        double a = now_s(), ac = cpu_s();
        sink += chains(iterations, 1.0f + r);
        double b = now_s(), bc = cpu_s();
        rates[r] = 2.0 * LANES * ACC * (double)iterations / (b - a) / 1e9;
        cpu_rates[r] = 2.0 * LANES * ACC * (double)iterations / (bc - ac) / 1e9;
    }
    qsort(rates, reps, sizeof rates[0], cmpd);
    qsort(cpu_rates, reps, sizeof cpu_rates[0], cmpd);
    printf("FMA peak (1 core, fp32, %d-bit FMA, %d chains): best %.1f GFLOP/s, median %.1f GFLOP/s over %d runs of %.3f s wall;"
           " by thread CPU time: median %.1f GFLOP/s\n",
           LANES * 32, ACC, rates[reps - 1], rates[reps / 2], reps, 2.0 * LANES * ACC * (double)iterations / rates[reps / 2] / 1e9,
           cpu_rates[reps / 2]);
    return sink == 12345.0f;
}
