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

#endif
