import Foundation
import Locking
import Logging
import Providers
import ServiceLifecycle

/// Runs accepted jobs in this process, at most `concurrency` at a time and at most `queueLimit` more waiting:
/// each goes through the provider router, every attempt is recorded in the ledger, and the reservation is settled
/// with the real cost (or refunded when no paid work happened). On graceful shutdown it takes no new work, lets running jobs finish for the grace
/// period, and records the rest as interrupted (refunded).
final class JobRunner: Service, Sendable {
    private struct State {
        var running: [JobID: Task<Void, Never>] = [:]
        /// Jobs queued or running: at most `concurrency` run, so at most `queueLimit` wait.
        var accepted = 0
        var shuttingDown = false
    }

    /// What became of a job handed to `enqueue`.
    enum Admission: Sendable {
        case queued
        /// `queueLimit` jobs already wait.
        case full
        /// Shutting down: no more work is taken.
        case stopped
    }

    private let executor: JobExecutor
    private let concurrency: Int
    private let queueLimit: Int
    private let gracePeriod: Duration
    private let logger: Logger
    private let queue: AsyncStream<QueuedJob>
    private let intake: AsyncStream<QueuedJob>.Continuation
    private let state = LockedState(State())
    private let stopped: AsyncStream<Void>
    private let stoppedSignal: AsyncStream<Void>.Continuation

    init(executor: JobExecutor, concurrency: Int, queueLimit: Int, gracePeriod: Duration, logger: Logger) {
        self.executor = executor
        self.concurrency = max(1, concurrency)
        self.queueLimit = max(0, queueLimit)
        self.gracePeriod = gracePeriod
        self.logger = logger
        (queue, intake) = AsyncStream.makeStream(of: QueuedJob.self)
        (stopped, stoppedSignal) = AsyncStream.makeStream(of: Void.self)
    }

    /// Returns once `run()` has finished (every job closed); for the one component that must outlive the runner.
    func waitUntilStopped() async {
        for await _ in stopped {}
    }

    /// Queues a job unless the queue is full or the runner is shutting down.
    func enqueue(_ item: QueuedJob) -> Admission {
        let admission = state.withLock { state -> Admission in
            if state.shuttingDown { return .stopped }
            if state.accepted >= capacity { return .full }
            state.accepted += 1
            return .queued
        }
        guard case .queued = admission else { return admission }
        if case .terminated = intake.yield(item) {
            state.withLock { $0.accepted -= 1 }
            return .stopped
        }
        return .queued
    }

    /// Whether a job submitted now would find room in the queue (checked before anything is reserved).
    var hasRoom: Bool {
        state.withLock { $0.accepted < capacity }
    }

    private var capacity: Int { concurrency + queueLimit }

    /// Cancels a running job; false when it is not running here.
    func cancelRunning(_ id: JobID) -> Bool {
        guard let task = state.withLock({ $0.running[id] }) else { return false }
        task.cancel()
        return true
    }

    /// Jobs running now.
    var runningCount: Int { state.withLock { $0.running.count } }

    func run() async {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await drain()
            } onGracefulShutdown: {
                self.beginShutdown()
            }
        } onCancel: {
            self.beginShutdown()
            self.cancelAll()
        }
        stoppedSignal.finish()
    }

    private func drain() async {
        await withTaskGroup(of: Void.self) { group in
            var active = 0
            for await item in queue {
                if state.withLock({ $0.shuttingDown }) {
                    await executor.interruptQueued(item.job)
                    state.withLock { $0.accepted -= 1 }
                    continue
                }
                if active >= concurrency {
                    await group.next()
                    active -= 1
                }
                active += 1
                group.addTask { await self.runTracked(item) }
            }
            let deadline = Task { [gracePeriod] in
                try? await Task.sleep(for: gracePeriod)
                if !Task.isCancelled { self.cancelAll() }
            }
            await group.waitForAll()
            deadline.cancel()
        }
    }

    private func runTracked(_ item: QueuedJob) async {
        let task = Task {
            await executor.execute(item) { [weak self] in self?.state.withLock { $0.shuttingDown } ?? true }
        }
        state.withLock { $0.running[item.job.id] = task }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        state.withLock { state in
            state.running.removeValue(forKey: item.job.id)
            state.accepted -= 1
        }
    }

    private func beginShutdown() {
        let wasRunning = state.withLock { state in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        if wasRunning {
            logger.info(
                "job runner: no new jobs; running ones get the grace period", metadata: ["grace": "\(gracePeriod)"])
        }
        intake.finish()
    }

    private func cancelAll() {
        let tasks = state.withLock { Array($0.running.values) }
        for task in tasks { task.cancel() }
    }
}
