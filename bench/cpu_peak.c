// The arithmetic peak of one core: independent multiply-add chains that never touch memory, so the rate is the
// execution units' and nothing else's. scripts/bench-cpu-peak.sh runs one copy per core at once.
//
// Prints float32 FMA GFLOP/s (16 lanes x 2 FLOP per instruction) and, where the CPU has AVX512_BF16, bfloat16
// dot-product GFLOP/s (vdpbf16ps: 32 products and 32 sums per instruction, accumulated in float32).
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define DECLARE(i) __m512 c##i = _mm512_set1_ps((float)i);
#define SUM(i) +_mm512_reduce_add_ps(c##i)

static const long iterations = 50000000;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"))) static void float32FMA(void) {
    __m512 a = _mm512_set1_ps(1.0001f), b = _mm512_set1_ps(0.9999f);
    CHAINS(DECLARE)
    double start = seconds();
    for (long i = 0; i < iterations; i++) {
#define FMA(i) c##i = _mm512_fmadd_ps(a, b, c##i);
        CHAINS(FMA)
        __asm__ volatile("" : "+v"(a));  // keeps the loop from being folded away
    }
    double elapsed = seconds() - start;
    printf("float32 FMA\t%.1f GFLOP/s\t(checksum %g)\n", iterations * 12 * 32.0 / elapsed / 1e9, 0 CHAINS(SUM));
}

__attribute__((target("avx512f,avx512bf16"))) static void bfloat16Dot(void) {
    __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f80);
    CHAINS(DECLARE)
    double start = seconds();
    for (long i = 0; i < iterations; i++) {
#define DOT(i) c##i = _mm512_dpbf16_ps(c##i, a, b);
        CHAINS(DOT)
        __asm__ volatile("" : "+v"(a));
    }
    double elapsed = seconds() - start;
    printf("bfloat16 dot\t%.1f GFLOP/s\t(checksum %g)\n", iterations * 12 * 64.0 / elapsed / 1e9, 0 CHAINS(SUM));
}

int main(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) {
        printf("this CPU has no AVX-512: nothing measured\n");
        return 0;
    }
    float32FMA();
    if (__builtin_cpu_supports("avx512bf16")) bfloat16Dot();
    else printf("bfloat16 dot\tnot supported by this CPU\n");
    return 0;
}
