#ifndef ENGINE_KERNELS_H
#define ENGINE_KERNELS_H
// Kernels of the local engine that need CPU instructions Swift cannot name: each picks, at run time, the fastest
// variant this CPU supports, so the same binary runs on any x86-64 (and any other) CPU.
#include <stddef.h>
#include <stdint.h>

/// Widens `count` little-endian IEEE binary16 values at `source` (any alignment) into float32 at `target`,
/// bit-exact: subnormals, infinities and NaNs (payload and signalling bit kept) included.
void engine_widen_halves(const void *source, float *target, size_t count);

/// Whether `engine_attention_head` runs on this CPU (it needs AVX-512); when not, it returns 0 and writes nothing.
int engine_attention_supported(void);

/// The floats of scratch `engine_attention_head` needs for `rows` query rows of `head_size`.
size_t engine_attention_scratch_floats(size_t rows, size_t head_size);

/// One head's `softmax(scale * Q K^T) V` for `rows` query rows against `keys` keys, no mask: rows of `query`,
/// `key`, `value` and `output` are `stride` floats apart and `head_size` long. The scores never leave the CPU's
/// registers but for one tile; an online softmax (running maximum and sum per row) rescales what was summed so
/// far when a later key raises a row's maximum. Returns 1 when done, 0 when this CPU lacks the instructions.
int engine_attention_head(const float *query, const float *key, const float *value, float *output, size_t rows,
    size_t keys, size_t head_size, size_t stride, float scale, float *scratch);

/// Panels of 32 outputs that a `[outputs, inputs]` weight fills (the last one zero-padded).
size_t engine_weight_panels(size_t outputs);

/// The floats of a `[outputs, inputs]` weight laid out in panels by `engine_pack_weight_panels`.
size_t engine_weight_panels_floats(size_t outputs, size_t inputs);

/// Lays out `weight` (`[outputs, inputs]`, row-major, as PyTorch stores a linear layer) for
/// `engine_panel_product`: by 512 inputs at a time, then by panel of 32 outputs, input after input, so that the
/// kernel's pass over a range of inputs reads one stretch of memory; zeros past the last output. Writes the
/// panels `first_panel ..< end_panel` (so that several threads can share the work). `panels` must be 64-byte
/// aligned.
void engine_pack_weight_panels(
    const float *weight, size_t outputs, size_t inputs, size_t first_panel, size_t end_panel, float *panels);

/// Whether `engine_panel_product` runs on this CPU (it needs AVX-512); when not, it returns 0 and writes nothing.
int engine_panel_product_supported(void);

/// The floats of scratch one `engine_panel_product` call needs, whatever its shape.
size_t engine_panel_product_scratch_floats(void);

/// `output = input W^T + bias` for the output columns of panels `first_panel ..< end_panel`, with `W` laid out by
/// `engine_pack_weight_panels`: `input` is `[rows, inputs]`, `output` `[rows, outputs]`, both contiguous; `bias`
/// (`outputs` floats) may be NULL. Returns 1 when done, 0 when this CPU lacks the instructions.
int engine_panel_product(const float *input, size_t rows, size_t inputs, const float *panels, size_t outputs,
    const float *bias, float *output, size_t first_panel, size_t end_panel, float *scratch);

#endif
