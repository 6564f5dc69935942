import Foundation
import Locking
import Testing

@testable import LocalProvider

/// AddressSanitizer and ThreadSanitizer (scripts/test-sanitizers.sh) replace glibc's allocator: `mallopt` does
/// nothing there.
private let sanitizerReplacesTheAllocator = ["__asan_init", "__tsan_init"].contains { (symbol: String) in
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) != nil
}

@Suite(.disabled(if: sanitizerReplacesTheAllocator, "a sanitizer's allocator ignores mallopt"))
struct AllocatorTuningTests {
    /// Minor page faults of the calling thread so far.
    private static func faults() -> Int {
        var usage = rusage()
        // RUSAGE_THREAD (1) is only declared under _GNU_SOURCE.
        getrusage(1, &usage)
        return usage.ru_minflt
    }

    /// 40 MB: above the 32 MB from which glibc maps (and on free unmaps) each block by default.
    private static let blockCount = 10 << 20

    /// Writes a 40 MB block, frees it, writes another of the same size on the calling thread, and returns the page
    /// faults the second one took: about 10,000 for fresh pages (40 MB / 4 KiB), few when the first is reused.
    private static func faultsWritingAReusedBlock() -> Int {
        do {
            let first = [Float](repeating: 1, count: blockCount)
            precondition(first[blockCount - 1] == 1)
        }
        let before = faults()
        let second = [Float](repeating: 2, count: blockCount)
        let faulted = faults() - before
        precondition(second[blockCount - 1] == 2)
        return faulted
    }

    @Test func aFreedLargeBlockIsReusedWithoutFaultingItsPagesAgain() {
        #expect(AllocatorTuning.keepLargeFreedBlocks())
        let faulted = Self.faultsWritingAReusedBlock()
        #expect(faulted < 1_000, "writing a reused 40 MB block took \(faulted) page faults")
    }

    /// A thread other than the main one (the gateway runs the engine on its own queue) gets an arena of 64 MB heaps;
    /// a heap that held a freed 40 MB block must stay for the next one. (The arena's first heap always stays, so
    /// a block kept alive fills it first and the freed one lands in a second heap.)
    @Test func aFreedBlockIsReusedOnAnotherThreadToo() {
        #expect(AllocatorTuning.keepLargeFreedBlocks())
        let faulted = LockedState(-1)
        let thread = Thread {
            let kept = [Float](repeating: 3, count: Self.blockCount)
            defer { precondition(kept[0] == 3) }
            let result = Self.faultsWritingAReusedBlock()
            faulted.withLock { $0 = result }
        }
        thread.start()
        let deadline = Date().addingTimeInterval(30)
        while faulted.withLock({ $0 }) < 0 && Date() < deadline { usleep(1_000) }
        let result = faulted.withLock { $0 }
        #expect(result >= 0, "the thread did not finish")
        #expect(result < 1_000, "writing a reused 40 MB block on another thread took \(result) page faults")
    }
}
