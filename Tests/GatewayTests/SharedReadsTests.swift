import Synchronization
import Testing

@testable import Gateway

/// Callers asking for the same key while its read runs share that read; a later call reads again; an error is
/// shared like a value and not kept.
@Suite struct SharedReadsTests {
    final class Counter: Sendable {
        let reads = Atomic<Int>(0)
        let asking = Atomic<Int>(0)
        let release = Atomic<Bool>(false)

        /// A read that waits (at most ~5 s) until the test releases it, so callers pile up on it.
        func read(_ value: Int) async throws -> Int {
            reads.add(1, ordering: .relaxed)
            for _ in 0..<500 where !release.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(10))
            }
            return value
        }
    }

    struct Failure: Error {}

    @Test func concurrentCallersShareOneReadAndLaterCallersReadAgain() async throws {
        let shared = SharedReads<String, Int>()
        let counter = Counter()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    counter.asking.add(1, ordering: .relaxed)
                    return try await shared.value(for: "usage") { try await counter.read(7) }
                }
            }
            // The read waits for the release, given once every caller has asked (bounded wait).
            for _ in 0..<500 where counter.asking.load(ordering: .relaxed) < 20 {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            counter.release.store(true, ordering: .relaxed)
            for try await value in group { #expect(value == 7) }
        }
        #expect(counter.reads.load(ordering: .relaxed) == 1)
        #expect(try await shared.value(for: "usage") { try await counter.read(8) } == 8)
        #expect(counter.reads.load(ordering: .relaxed) == 2)
        // Another key is another read.
        #expect(try await shared.value(for: "other") { try await counter.read(9) } == 9)
    }

    @Test func anErrorIsSharedAndNotKept() async throws {
        let shared = SharedReads<String, Int>()
        await #expect(throws: Failure.self) { try await shared.value(for: "usage") { throw Failure() } }
        #expect(try await shared.value(for: "usage") { 3 } == 3)
    }
}
