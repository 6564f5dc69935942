#include "engine_kernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// One half by integer arithmetic: exponent and mantissa moved into float32's fields and rescaled by 2^(127-15),
/// exact for normal and subnormal halves alike; infinities and NaNs keep an all-ones exponent instead.
static inline float widen_one(uint16_t bits) {
    uint32_t sign = (uint32_t)(bits & 0x8000) << 16;
    uint32_t magnitude;
    if ((bits & 0x7C00) == 0x7C00) {
        magnitude = 0x7F800000u | ((uint32_t)(bits & 0x3FF) << 13);
    } else {
        float scaled;
        uint32_t shifted = (uint32_t)(bits & 0x7FFF) << 13;
        memcpy(&scaled, &shifted, sizeof scaled);
        scaled *= 0x1p112f;
        memcpy(&magnitude, &scaled, sizeof magnitude);
    }
    uint32_t result = sign | magnitude;
    float value;
    memcpy(&value, &result, sizeof value);
    return value;
}

static void widen_portable(const uint8_t *source, float *target, size_t count) {
    for (size_t index = 0; index < count; index++) {
        uint16_t bits = (uint16_t)(source[2 * index] | (source[2 * index + 1] << 8));
        target[index] = widen_one(bits);
    }
}

#if defined(__x86_64__)
/// 16 halves per `vcvtph2ps`. The instruction quiets signalling NaNs, so a group holding an infinity or a NaN
/// (exponent all ones) goes through the exact scalar path instead.
__attribute__((target("avx512f,avx512bw,avx512vl"))) static void widen_avx512(
    const uint8_t *source, float *target, size_t count) {
    const __m256i exponent = _mm256_set1_epi16(0x7C00);
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        __m256i halves = _mm256_loadu_si256((const __m256i *)(source + 2 * index));
        if (_mm256_cmpeq_epi16_mask(_mm256_and_si256(halves, exponent), exponent) != 0) {
            widen_portable(source + 2 * index, target + index, 16);
        } else {
            _mm512_storeu_ps(target + index, _mm512_cvtph_ps(halves));
        }
    }
    widen_portable(source + 2 * index, target + index, count - index);
}

/// Reads the CPU model the runtime's constructor filled in before `main` (so no thread ever writes it here).
static int has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl");
}
#endif

void engine_widen_halves(const void *source, float *target, size_t count) {
#if defined(__x86_64__)
    if (has_avx512()) {
        widen_avx512(source, target, count);
        return;
    }
#endif
    widen_portable(source, target, count);
}
