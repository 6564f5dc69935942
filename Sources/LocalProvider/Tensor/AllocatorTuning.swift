import CMalloc

/// Keeps the engine's large freed blocks in the process for the next operation.
///
/// The engine allocates a fresh array per operation result and per converted weight block, most of them several
/// megabytes and up to a few hundred. By default glibc serves every block from 32 MB up with its own `mmap` and
/// unmaps it on free, and trims a heap's free top past 128 KB, so the next block of the same size arrives as fresh
/// pages that the kernel must fault in and zero: at 256x256 that was 4.3 s of system time in a 12 s generation.
/// Raising both thresholds to 1 GiB lets freed blocks be reused instead (threads other than the main one still
/// get a mapping per block above their arenas' 64 MB heaps). Process-wide and set once, when the first checkpoint
/// loads; the gateway's `HeapTrimmer` hands free memory back to the kernel every 10 s (by default) all the same.
enum AllocatorTuning {
    /// The largest block still served from the heaps, and the free heap top kept before trimming.
    static let threshold: Int32 = 1 << 30

    /// Applies the thresholds; the first call does the work, later ones nothing. True when glibc took both.
    @discardableResult
    static func keepLargeFreedBlocks() -> Bool { applied }

    private static let applied: Bool =
        mallopt(M_MMAP_THRESHOLD, threshold) == 1 && mallopt(M_TRIM_THRESHOLD, threshold) == 1
}
