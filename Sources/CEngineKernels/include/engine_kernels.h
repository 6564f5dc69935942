#ifndef ENGINE_KERNELS_H
#define ENGINE_KERNELS_H
// Kernels of the local engine that need CPU instructions Swift cannot name: each picks, at run time, the fastest
// variant this CPU supports, so the same binary runs on any x86-64 (and any other) CPU.
#include <stddef.h>
#include <stdint.h>

/// Widens `count` little-endian IEEE binary16 values at `source` (any alignment) into float32 at `target`,
/// bit-exact: subnormals, infinities and NaNs (payload and signalling bit kept) included.
void engine_widen_halves(const void *source, float *target, size_t count);

#endif
