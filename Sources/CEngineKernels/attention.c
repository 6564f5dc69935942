#include "engine_kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

// Fused attention for one head: scores, online softmax and the weighted sum of values in one pass over the keys,
// eight query rows by 32 keys at a time with the scores in registers. Through two GEMMs the head size (40 at
// SD 1.x's 64x64 level) is the inner dimension of one product and the width of the other, too thin for a GEMM
// kernel, and every score is written, read back for the softmax and packed again before the second product.

enum {
    ROWS = 8,             // query rows per tile (the score tile is ROWS x CHUNK, 16 registers)
    CHUNK = 32,           // keys per tile: two vectors
    LANES = 16,           // floats per vector
    BLOCK_FLOATS = 32768, // packed keys and values of one key block: 128 KiB, well inside L2
};

static size_t round_up(size_t value, size_t multiple) { return (value + multiple - 1) / multiple * multiple; }

/// Keys per packed block for `head_size`: a multiple of CHUNK, at least one chunk.
static size_t key_block(size_t head_size) {
    size_t per_key = head_size + round_up(head_size, LANES);
    size_t keys = per_key == 0 ? CHUNK : BLOCK_FLOATS / per_key / CHUNK * CHUNK;
    return keys < CHUNK ? CHUNK : keys;
}

size_t engine_attention_scratch_floats(size_t rows, size_t head_size) {
    size_t padded_rows = round_up(rows, ROWS);
    size_t value_width = round_up(head_size, LANES);
    size_t block = key_block(head_size);
    return round_up(padded_rows * head_size, LANES) // scaled queries
        + padded_rows * value_width                  // output accumulators
        + padded_rows * LANES                        // running sums, one vector per row
        + round_up(padded_rows, LANES)               // running maxima
        + head_size * block                          // keys, transposed
        + block * value_width                        // values, padded to whole vectors
        + ROWS * CHUNK;                              // one tile of probabilities
}

/// `e^x` for `x <= 0` (a softmax's shifted scores): the engine's vector exponential (Cody-Waite reduction,
/// Cephes' degree-6 polynomial, 2^n through the exponent bits), 0 below -87.3 and for -inf.
__attribute__((target("avx512f,avx512dq,fma"))) static inline __m512 exp_nonpositive(__m512 x) {
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 clamped = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
    __m512 shifted = _mm512_fmadd_ps(clamped, _mm512_set1_ps(1.44269504f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), clamped);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 value = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i exponent = _mm512_slli_epi32(
        _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000)),
            _mm512_set1_epi32(127)),
        23);
    __mmask16 normal = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_GE_OQ);
    return _mm512_maskz_mul_ps(normal, value, _mm512_castsi512_ps(exponent));
}

/// `out[r] += p[r] . values` for the tile's ROWS rows over `vectors` (0 to 3) whole vectors of value columns and,
/// with `tail`, 8 more columns in a 256-bit vector (half the work of a padded 512-bit one: head size 40 is two
/// vectors and a half).
__attribute__((target("avx512f,avx512dq,avx512vl,fma"), always_inline)) static inline void accumulate_values(
    const float *probabilities, const float *values, size_t value_width, float *out, const int vectors,
    const int tail) {
    __m512 sums[ROWS][3];
    __m256 tails[ROWS];
    for (int r = 0; r < ROWS; r++) {
        for (int v = 0; v < vectors; v++) sums[r][v] = _mm512_loadu_ps(out + r * value_width + v * LANES);
        if (tail) tails[r] = _mm256_loadu_ps(out + r * value_width + vectors * LANES);
    }
    for (int key = 0; key < CHUNK; key++) {
        const float *row = values + key * value_width;
        __m512 columns[3];
        for (int v = 0; v < vectors; v++) columns[v] = _mm512_loadu_ps(row + v * LANES);
        __m256 tail_columns = tail ? _mm256_loadu_ps(row + vectors * LANES) : _mm256_setzero_ps();
        for (int r = 0; r < ROWS; r++) {
            // Two broadcasts from memory rather than one shared: each is a plain load on this CPU.
            const float weight = probabilities[r * CHUNK + key];
            for (int v = 0; v < vectors; v++) {
                sums[r][v] = _mm512_fmadd_ps(_mm512_set1_ps(weight), columns[v], sums[r][v]);
            }
            if (tail) tails[r] = _mm256_fmadd_ps(_mm256_set1_ps(weight), tail_columns, tails[r]);
        }
    }
    for (int r = 0; r < ROWS; r++) {
        for (int v = 0; v < vectors; v++) _mm512_storeu_ps(out + r * value_width + v * LANES, sums[r][v]);
        if (tail) _mm256_storeu_ps(out + r * value_width + vectors * LANES, tails[r]);
    }
}

__attribute__((target("avx512f,avx512dq,avx512vl,fma"))) static void attention_avx512(const float *query, const float *key,
    const float *value, float *output, size_t rows, size_t keys, size_t head_size, size_t stride, float scale,
    float *scratch) {
    const size_t padded_rows = round_up(rows, ROWS);
    const size_t value_width = round_up(head_size, LANES);
    // Value columns in whole vectors, and whether the last 1-8 columns go in a half vector instead.
    const int half_tail = head_size % LANES != 0 && head_size % LANES <= LANES / 2;
    const size_t whole_columns = half_tail ? head_size / LANES * LANES : value_width;
    const size_t block = key_block(head_size);
    float *queries = scratch;
    float *out = queries + round_up(padded_rows * head_size, LANES);
    float *sums = out + padded_rows * value_width;
    float *maxima = sums + padded_rows * LANES;
    float *packed_keys = maxima + round_up(padded_rows, LANES);
    float *packed_values = packed_keys + head_size * block;
    float *probabilities = packed_values + block * value_width;

    for (size_t r = 0; r < padded_rows; r++) {
        for (size_t c = 0; c < head_size; c++) {
            queries[r * head_size + c] = r < rows ? query[r * stride + c] * scale : 0;
        }
        maxima[r] = -INFINITY;
    }
    memset(out, 0, padded_rows * value_width * sizeof(float));
    memset(sums, 0, padded_rows * LANES * sizeof(float));

    for (size_t first_key = 0; first_key < keys; first_key += block) {
        const size_t count = keys - first_key < block ? keys - first_key : block;
        const size_t padded = round_up(count, CHUNK);
        // Keys transposed chunk by chunk (`[padded / CHUNK][head_size][CHUNK]`, so a tile reads one contiguous
        // run), values row by row padded to whole vectors; zeros past the end.
        for (size_t j = 0; j < padded; j++) {
            const float *k = key + (first_key + j) * stride;
            const float *v = value + (first_key + j) * stride;
            float *column = packed_keys + (j / CHUNK) * head_size * CHUNK + j % CHUNK;
            for (size_t c = 0; c < head_size; c++) column[c * CHUNK] = j < count ? k[c] : 0;
            for (size_t c = 0; c < value_width; c++) {
                packed_values[j * value_width + c] = (j < count && c < head_size) ? v[c] : 0;
            }
        }
        for (size_t first_row = 0; first_row < padded_rows; first_row += ROWS) {
            const float *q = queries + first_row * head_size;
            float *tile_out = out + first_row * value_width;
            for (size_t first = 0; first < padded; first += CHUNK) {
                __m512 scores[ROWS][2];
                for (int r = 0; r < ROWS; r++) scores[r][0] = scores[r][1] = _mm512_setzero_ps();
                const float *chunk_keys = packed_keys + first * head_size;
                for (size_t c = 0; c < head_size; c++) {
                    __m512 k0 = _mm512_loadu_ps(chunk_keys + c * CHUNK);
                    __m512 k1 = _mm512_loadu_ps(chunk_keys + c * CHUNK + LANES);
                    for (int r = 0; r < ROWS; r++) {
                        __m512 b = _mm512_set1_ps(q[r * head_size + c]);
                        scores[r][0] = _mm512_fmadd_ps(b, k0, scores[r][0]);
                        scores[r][1] = _mm512_fmadd_ps(b, k1, scores[r][1]);
                    }
                }
                const size_t valid = count - first < CHUNK ? count - first : CHUNK;
                if (valid < CHUNK) {
                    // Keys past the end score -inf, so their probabilities are exactly 0.
                    const __m512 minus_infinity = _mm512_set1_ps(-INFINITY);
                    __mmask16 low = valid >= LANES ? 0xFFFF : (__mmask16)((1u << valid) - 1);
                    __mmask16 high = valid > LANES ? (__mmask16)((1u << (valid - LANES)) - 1) : 0;
                    for (int r = 0; r < ROWS; r++) {
                        scores[r][0] = _mm512_mask_blend_ps(low, minus_infinity, scores[r][0]);
                        scores[r][1] = _mm512_mask_blend_ps(high, minus_infinity, scores[r][1]);
                    }
                }
                for (int r = 0; r < ROWS; r++) {
                    float *maximum = maxima + first_row + r;
                    float largest = _mm512_reduce_max_ps(_mm512_max_ps(scores[r][0], scores[r][1]));
                    if (largest > *maximum) {
                        // A larger maximum: what was accumulated under the old one shrinks by e^(old - new).
                        if (*maximum > -INFINITY) {
                            __m512 correction = _mm512_set1_ps(expf(*maximum - largest));
                            float *sum = sums + (first_row + r) * LANES;
                            _mm512_storeu_ps(sum, _mm512_mul_ps(_mm512_loadu_ps(sum), correction));
                            float *row = tile_out + r * value_width;
                            for (size_t c = 0; c < value_width; c += LANES) {
                                _mm512_storeu_ps(row + c, _mm512_mul_ps(_mm512_loadu_ps(row + c), correction));
                            }
                        }
                        *maximum = largest;
                    }
                    // A row whose scores are all -inf so far has nothing to weigh: shift by 0 so e^-inf gives 0.
                    __m512 shift = _mm512_set1_ps(*maximum > -INFINITY ? *maximum : 0);
                    __m512 p0 = exp_nonpositive(_mm512_sub_ps(scores[r][0], shift));
                    __m512 p1 = exp_nonpositive(_mm512_sub_ps(scores[r][1], shift));
                    _mm512_storeu_ps(probabilities + r * CHUNK, p0);
                    _mm512_storeu_ps(probabilities + r * CHUNK + LANES, p1);
                    float *sum = sums + (first_row + r) * LANES;
                    _mm512_storeu_ps(sum, _mm512_add_ps(_mm512_loadu_ps(sum), _mm512_add_ps(p0, p1)));
                }
                const float *values = packed_values + first * value_width;
                size_t column = 0;
                for (; column + 3 * LANES <= whole_columns; column += 3 * LANES) {
                    accumulate_values(probabilities, values + column, value_width, tile_out + column, 3, 0);
                }
                const float *rest = values + column;
                float *rest_out = tile_out + column;
                switch ((whole_columns - column) / LANES * 2 + half_tail) {
                case 1: accumulate_values(probabilities, rest, value_width, rest_out, 0, 1); break;
                case 2: accumulate_values(probabilities, rest, value_width, rest_out, 1, 0); break;
                case 3: accumulate_values(probabilities, rest, value_width, rest_out, 1, 1); break;
                case 4: accumulate_values(probabilities, rest, value_width, rest_out, 2, 0); break;
                case 5: accumulate_values(probabilities, rest, value_width, rest_out, 2, 1); break;
                default: break;
                }
            }
        }
    }
    for (size_t r = 0; r < rows; r++) {
        float total = _mm512_reduce_add_ps(_mm512_loadu_ps(sums + r * LANES));
        float factor = total > 0 ? 1 / total : 0;
        for (size_t c = 0; c < head_size; c++) output[r * stride + c] = out[r * value_width + c] * factor;
    }
}

static int has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
}
#endif

int engine_attention_supported(void) {
#if defined(__x86_64__)
    return has_avx512();
#else
    return 0;
#endif
}

int engine_attention_head(const float *query, const float *key, const float *value, float *output, size_t rows,
    size_t keys, size_t head_size, size_t stride, float scale, float *scratch) {
#if defined(__x86_64__)
    if (!has_avx512()) return 0;
    if (rows == 0 || head_size == 0) return 1; // nothing to write (with no keys, rows get zeros below)
    attention_avx512(query, key, value, output, rows, keys, head_size, stride, scale, scratch);
    return 1;
#else
    (void)query, (void)key, (void)value, (void)output, (void)rows, (void)keys, (void)head_size, (void)stride,
        (void)scale, (void)scratch;
    return 0;
#endif
}
