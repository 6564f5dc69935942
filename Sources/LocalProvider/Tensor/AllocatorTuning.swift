import CMalloc

/// Keeps the engine's large freed blocks in the process for the next operation.
///
/// The engine allocates a fresh array per operation result and per converted weight block, most of them several
/// megabytes and up to a few hundred. By default glibc serves every block from 32 MB up with its own `mmap` and
/// unmaps it on free, and trims a heap's free top past 128 KB, so the next block of the same size arrives as fresh
/// pages that the kernel must fault in and zero: at 256x256 that was 4.3 s of system time in a 12 s generation.
/// Raising both thresholds to 1 GiB lets freed blocks be reused instead. Threads other than the main one allocate
/// from arenas made of 64 MB heaps: a block above that still gets a mapping of its own (the engine keeps its blocks
/// smaller), and a heap left empty is unmapped at once unless its arena keeps a pad of free space, so the pad is
/// raised to one heap too (at 256x256 that took a generation's system time from 2.3-3.0 s to 1.5-1.7 s).
/// Process-wide and set once, when the first checkpoint loads; the gateway's `HeapTrimmer` hands free memory back
/// to the kernel every 10 s (by default) all the same.
enum AllocatorTuning {
    /// The largest block still served from the heaps, and the free heap top kept before trimming.
    static let threshold: Int32 = 1 << 30
    /// The free space an arena keeps rather than unmapping an empty heap: one whole heap.
    static let heapPad: Int32 = 64 << 20

    /// Applies the settings; the first call does the work, later ones nothing. True when glibc took all three.
    @discardableResult
    static func keepLargeFreedBlocks() -> Bool { applied }

    private static let applied: Bool =
        mallopt(M_MMAP_THRESHOLD, threshold) == 1 && mallopt(M_TRIM_THRESHOLD, threshold) == 1
        && mallopt(M_TOP_PAD, heapPad) == 1
}
