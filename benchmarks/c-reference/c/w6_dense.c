/* W6-dense (W6d): W6 (784-128-10, ReLU / softmax, cross-entropy, single) on centred inputs,
 * xdata(s, i) - 0.5, so that about half of the 128 hidden ReLUs are active (W6's inputs, all in
 * [0, 1), leave 0-2 of them active). Same template (net2.h), op counts and output lines as
 * peers_c.c. Not part of the shared reference's copy: added here for issue 13.
 * Build: gcc -O3 -march=native -o w6_dense w6_dense.c -lm    Usage: w6_dense [seconds-per-cell] */
#include "common.h"

#define NS 64
#define N_W6 100
#define NB_W6 10

#define P w6d_
#define T float
#define NI 784
#define NH 128
#define NO 10
#define HACT ACT_RELU
#define OUTK OUT_SOFTMAX_CE
#include "net2.h"

static float X[NS][784] ALIGN;
static int C[NS];

static void prep(void) { w6d_init(); }
static void steps(void) {
    int s = 0;
    for (int k = 0; k < N_W6; k++) { w6d_step(X[s], 0, C[s], 0.01f); if (++s == NS) s = 0; }
}
static void infers(void) {
    double acc = 0;
    float o[10];
    int s = 0;
    for (int k = 0; k < N_W6; k++) { acc += w6d_infer(X[s], o); if (++s == NS) s = 0; }
    g_sink = acc;
}
static void batches(void) {
    const float *xs[32];
    int cs[32];
    for (int k = 0; k < NB_W6; k++) {
        for (int b = 0; b < 32; b++) { int s = (k * 32 + b) % NS; xs[b] = X[s]; cs[b] = C[s]; }
        w6d_bstep(32, xs, 0, cs, 0.01f / 32);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) g_target_s = atof(argv[1]);
    for (int s = 0; s < NS; s++) {
        for (int i = 0; i < 784; i++) X[s][i] = (float)(xdata(s, i) - 0.5);
        C[s] = s % 10;
    }
    w6d_init();
    long active = 0;
    for (int s = 0; s < NS; s++) {
        float h[128], o[10];
        w6d_fwd(X[s], h, o);
        for (int j = 0; j < 128; j++) active += h[j] > 0;
    }
    printf("# W6d: %.1f of 128 hidden ReLUs active per sample on average\n", (double)active / NS);
    bench("c", "W6d", "step", prep, steps, N_W6);
    w6d_init(); steps(); printf("K\tc\tW6d\tstep\t%.10g\n", w6d_checksum());
    bench("c", "W6d", "infer", prep, infers, N_W6);
    w6d_init(); infers(); printf("K\tc\tW6d\tinfer\t%.10g\n", g_sink);
    bench("c", "W6d", "batch32", prep, batches, NB_W6);
    w6d_init(); batches(); printf("K\tc\tW6d\tbatch32\t%.10g\n", w6d_checksum());
    return 0;
}
