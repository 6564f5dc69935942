import CMalloc

/// Keeps the engine's large freed blocks in the process for the next operation.
///
/// The engine allocates a fresh array per operation result and per converted weight block, most of them several
/// megabytes and up to a few hundred. By default glibc serves every block from 32 MB up with its own `mmap` and
/// unmaps it on free, and trims a heap's free top past 128 KB, so the next block of the same size arrives as fresh
/// pages that the kernel must fault in and zero: at 256x256 that was 4.3 s of system time in a 12 s generation.
/// Raising both thresholds to 1 GiB lets freed blocks be reused instead.
///
/// Threads other than the main one would allocate from arenas made of 64 MB heaps, where a larger block (a
/// converted 1280-channel convolution weight of 118 MB, a VAE activation of 134 MB at 512x512) always gets a
/// mapping of its own, unmapped again on free; so every thread shares the main heap (`M_ARENA_MAX` 1), which grows
/// as one piece and keeps what is freed (per-thread caches still serve small blocks without a lock). That limit
/// only binds arenas not yet made: executables apply the tuning first thing in `main`, before any other thread
/// exists; a checkpoint's load applies it too (a no-op when done), for programs that embed the engine.
/// Process-wide and set once; the gateway's `HeapTrimmer` hands free memory back to the kernel every 10 s (by
/// default) all the same.
public enum AllocatorTuning {
    /// The largest block still served from the heaps, and the free heap top kept before trimming.
    static let threshold: Int32 = 1 << 30
    /// The free space kept rather than unmapping an emptied heap (for arenas made before the tuning).
    static let heapPad: Int32 = 64 << 20

    /// Applies the settings; the first call does the work, later ones nothing. True when glibc took all four.
    @discardableResult
    public static func keepLargeFreedBlocks() -> Bool { applied }

    private static let applied: Bool =
        mallopt(M_MMAP_THRESHOLD, threshold) == 1 && mallopt(M_TRIM_THRESHOLD, threshold) == 1
        && mallopt(M_TOP_PAD, heapPad) == 1 && mallopt(M_ARENA_MAX, 1) == 1
}
