import Foundation
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

    @Test func aFreedLargeBlockIsReusedWithoutFaultingItsPagesAgain() {
        #expect(AllocatorTuning.keepLargeFreedBlocks())
        // 40 MB: above the 32 MB from which glibc maps (and on free unmaps) each block by default.
        let count = 10 << 20
        do {
            let first = [Float](repeating: 1, count: count)
            #expect(first[count - 1] == 1)
        }
        let before = Self.faults()
        let second = [Float](repeating: 2, count: count)
        let faulted = Self.faults() - before
        #expect(second[count - 1] == 2)
        // Fresh pages would fault about 10,000 times (40 MB / 4 KiB).
        #expect(faulted < 1_000, "writing a reused 40 MB block took \(faulted) page faults")
    }
}
