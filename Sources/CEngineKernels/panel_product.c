#include "engine_kernels.h"

// A fully connected layer's product `X W^T + b` for few rows (CLIP's 2 x 77 tokens), with the weights laid out
// once, at load, the way the kernel reads them. A BLAS packs the weights again on every call; with 154 rows each
// packed weight is used only 154 times, so that copy costs about a sixth of the multiply-adds' time.

enum {
    PANEL = 32,      // outputs per panel: two vectors
    LANES = 16,      // floats per vector
    TILE_ROWS = 14,  // rows per register tile (28 accumulators, 2 weight vectors, 2 spare)
    DEPTH = 512,     // inputs per pass: a panel's slice is 64 KiB, the rows' slice (<= 448 KiB) stays in L2
    ROW_BLOCK = 224, // rows per pass over the weights (16 tiles): bounds the scratch
};

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

size_t engine_weight_panels(size_t outputs) { return (outputs + PANEL - 1) / PANEL; }

size_t engine_weight_panels_floats(size_t outputs, size_t inputs) {
    return engine_weight_panels(outputs) * PANEL * inputs;
}

void engine_pack_weight_panels(
    const float *weight, size_t outputs, size_t inputs, size_t first_panel, size_t end_panel, float *panels) {
    size_t count = engine_weight_panels(outputs);
    for (size_t depth_start = 0; depth_start < inputs; depth_start += DEPTH) {
        size_t depth = min_size(DEPTH, inputs - depth_start);
        for (size_t panel = first_panel; panel < end_panel; panel++) {
            float *target = panels + depth_start * count * PANEL + panel * PANEL * depth;
            size_t first = panel * PANEL;
            size_t width = min_size(PANEL, outputs - first);
            for (size_t input = 0; input < depth; input++) {
                for (size_t column = 0; column < width; column++)
                    target[input * PANEL + column] = weight[(first + column) * inputs + depth_start + input];
                for (size_t column = width; column < PANEL; column++) target[input * PANEL + column] = 0;
            }
        }
    }
}

size_t engine_panel_product_scratch_floats(void) { return ROW_BLOCK * DEPTH; }

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,fma")))

/// `rows` (1...TILE_ROWS, a constant after inlining) rows of one panel over `depth` inputs: starts from the bias
/// (or zero) on the first pass, from what `output` holds on later ones.
AVX512 __attribute__((always_inline)) static inline void tile(int rows, const float *packed_rows,
    const float *panel, size_t depth, float *output, size_t stride, const float *bias, int first_pass,
    __mmask16 low_mask, __mmask16 high_mask) {
    __m512 low[TILE_ROWS], high[TILE_ROWS];
#pragma clang loop unroll(full)
    for (int row = 0; row < rows; row++) {
        if (!first_pass) {
            low[row] = _mm512_maskz_loadu_ps(low_mask, output + row * stride);
            high[row] = _mm512_maskz_loadu_ps(high_mask, output + row * stride + LANES);
        } else if (bias) {
            low[row] = _mm512_maskz_loadu_ps(low_mask, bias);
            high[row] = _mm512_maskz_loadu_ps(high_mask, bias + LANES);
        } else {
            low[row] = _mm512_setzero_ps();
            high[row] = _mm512_setzero_ps();
        }
    }
    for (size_t input = 0; input < depth; input++) {
        __m512 weights_low = _mm512_load_ps(panel), weights_high = _mm512_load_ps(panel + LANES);
#pragma clang loop unroll(full)
        for (int row = 0; row < rows; row++) {
            __m512 x = _mm512_set1_ps(packed_rows[row]);
            low[row] = _mm512_fmadd_ps(x, weights_low, low[row]);
            high[row] = _mm512_fmadd_ps(x, weights_high, high[row]);
        }
        packed_rows += rows;
        panel += PANEL;
    }
#pragma clang loop unroll(full)
    for (int row = 0; row < rows; row++) {
        _mm512_mask_storeu_ps(output + row * stride, low_mask, low[row]);
        _mm512_mask_storeu_ps(output + row * stride + LANES, high_mask, high[row]);
    }
}

AVX512 static void tile_of(int rows, const float *packed_rows, const float *panel, size_t depth, float *output,
    size_t stride, const float *bias, int first_pass, __mmask16 low_mask, __mmask16 high_mask) {
    switch (rows) {
#define TILE(n)                                                                                                   \
    case n: tile(n, packed_rows, panel, depth, output, stride, bias, first_pass, low_mask, high_mask); break;
        TILE(1) TILE(2) TILE(3) TILE(4) TILE(5) TILE(6) TILE(7) TILE(8) TILE(9) TILE(10) TILE(11) TILE(12) TILE(13)
        TILE(14)
#undef TILE
    }
}

static __mmask16 lanes_mask(size_t lanes) {
    return lanes >= LANES ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1);
}

AVX512 static void panel_product_avx512(const float *input, size_t rows, size_t inputs, const float *panels,
    size_t outputs, const float *bias, float *output, size_t first_panel, size_t end_panel, float *scratch) {
    const size_t panel_count = engine_weight_panels(outputs);
    for (size_t row_start = 0; row_start < rows; row_start += ROW_BLOCK) {
        size_t block_rows = min_size(ROW_BLOCK, rows - row_start);
        for (size_t depth_start = 0; depth_start < inputs; depth_start += DEPTH) {
            size_t depth = min_size(DEPTH, inputs - depth_start);
            // The block's rows, tile by tile, input-major within a tile: one tile's inputs are consecutive.
            for (size_t tile_start = 0; tile_start < block_rows; tile_start += TILE_ROWS) {
                size_t tile_rows = min_size(TILE_ROWS, block_rows - tile_start);
                float *target = scratch + tile_start * depth;
                for (size_t row = 0; row < tile_rows; row++) {
                    const float *source = input + (row_start + tile_start + row) * inputs + depth_start;
                    for (size_t index = 0; index < depth; index++) target[index * tile_rows + row] = source[index];
                }
            }
            for (size_t panel = first_panel; panel < end_panel; panel++) {
                size_t column = panel * PANEL;
                size_t width = min_size(PANEL, outputs - column);
                __mmask16 low_mask = lanes_mask(width), high_mask = width > LANES ? lanes_mask(width - LANES) : 0;
                const float *slice = panels + depth_start * panel_count * PANEL + panel * PANEL * depth;
                for (size_t tile_start = 0; tile_start < block_rows; tile_start += TILE_ROWS) {
                    int tile_rows = (int)min_size(TILE_ROWS, block_rows - tile_start);
                    tile_of(tile_rows, scratch + tile_start * depth, slice, depth,
                        output + (row_start + tile_start) * outputs + column, outputs, bias ? bias + column : NULL,
                        depth_start == 0, low_mask, high_mask);
                }
            }
        }
    }
}

static int has_avx512(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}
#endif

int engine_panel_product_supported(void) {
#if defined(__x86_64__)
    return has_avx512();
#else
    return 0;
#endif
}

int engine_panel_product(const float *input, size_t rows, size_t inputs, const float *panels, size_t outputs,
    const float *bias, float *output, size_t first_panel, size_t end_panel, float *scratch) {
#if defined(__x86_64__)
    if (!has_avx512()) return 0;
    if (inputs == 0) {
        for (size_t row = 0; row < rows; row++)
            for (size_t column = first_panel * PANEL; column < min_size(end_panel * PANEL, outputs); column++)
                output[row * outputs + column] = bias ? bias[column] : 0;
        return 1;
    }
    panel_product_avx512(input, rows, inputs, panels, outputs, bias, output, first_panel, end_panel, scratch);
    return 1;
#else
    (void)input, (void)rows, (void)inputs, (void)panels, (void)outputs, (void)bias, (void)output, (void)first_panel,
        (void)end_panel, (void)scratch;
    return 0;
#endif
}
