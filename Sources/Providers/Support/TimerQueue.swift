import Foundation

/// Sleeps for deadlines that are usually cancelled: a provider's total deadline, a wait with a timeout.
///
/// `Task.sleep` keeps its scheduled wake-up (and the task's memory with it) until the deadline passes even when
/// the sleep is cancelled long before. A gateway that races every job against a two-minute deadline then holds
/// two minutes of finished jobs' timers: under load, tens of megabytes that grow with the request rate. Here a
/// cancelled sleep is taken out of the queue at once and its continuation resumed, so nothing outlives it.
///
/// One thread, started on first use and kept for the life of the process, waits for the earliest deadline and
/// resumes the sleepers that are due. Deadlines are monotonic (`ContinuousClock`), so a wall-clock change neither
/// fires nor delays them.
public final class TimerQueue: @unchecked Sendable {
    /// The process-wide queue.
    public static let shared = TimerQueue()

    private struct Sleeper {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let condition = NSCondition()
    /// Pending sleepers by id; the only owner of their continuations.
    private var sleepers: [UInt64: Sleeper] = [:]
    /// (deadline, id) pairs, a binary min-heap; a cancelled sleeper's pair stays until it surfaces or the heap is
    /// rebuilt, which happens once stale pairs outnumber live ones.
    private var heap: [(deadline: ContinuousClock.Instant, id: UInt64)] = []
    private var nextID: UInt64 = 0
    private var started = false

    public init() {}

    /// Sleepers waiting now (for tests and diagnostics).
    public var pendingCount: Int { condition.withLock { sleepers.count } }

    /// Returns after `duration`, or throws `CancellationError` as soon as the calling task is cancelled.
    public func sleep(for duration: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: duration)
        let id = condition.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                condition.withLock {
                    guard !Task.isCancelled else {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    push((deadline, id))
                    startIfNeeded()
                    condition.signal()
                }
            }
        } onCancel: {
            let sleeper = condition.withLock { () -> Sleeper? in
                let sleeper = sleepers.removeValue(forKey: id)
                if sleeper != nil, heap.count > 64, heap.count > 2 * sleepers.count { rebuildHeap() }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: - The waiting thread

    private func startIfNeeded() {
        guard !started else { return }
        started = true
        let thread = Thread { self.loop() }
        thread.name = "timer-queue"
        thread.start()
    }

    private func loop() {
        while true {
            let due = condition.withLock { () -> [Sleeper] in
                while true {
                    let now = ContinuousClock.now
                    var due: [Sleeper] = []
                    while let top = heap.first, top.deadline <= now {
                        popTop()
                        if let sleeper = sleepers.removeValue(forKey: top.id) { due.append(sleeper) }
                    }
                    if !due.isEmpty { return due }
                    if let top = heap.first {
                        let seconds = Self.seconds(now.duration(to: top.deadline))
                        _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                    } else {
                        condition.wait()
                    }
                }
            }
            for sleeper in due { sleeper.continuation.resume() }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    // MARK: - Min-heap by deadline (called with the lock held)

    private func push(_ entry: (deadline: ContinuousClock.Instant, id: UInt64)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(from: 0)
    }

    private func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops the pairs of cancelled sleepers and restores the heap order.
    private func rebuildHeap() {
        heap = sleepers.map { (deadline: $0.value.deadline, id: $0.key) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
