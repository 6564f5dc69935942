import ServiceLifecycle
import UnixSignals

/// Reloads the policy when its files change (polled), on SIGHUP, until graceful shutdown.
///
/// Polling compares each file's modification time and size, and re-hashes a file's text only when those
/// moved, so an idle poll costs one `stat` per file. A change is applied once two polls in a row see the
/// same files, so a file caught half-way through being written is not even tried; a set that still fails
/// validation leaves the live policy in place (see `PolicyStore.reload(trigger:)`).
public struct PolicyWatcher: Service {
    private let store: PolicyStore
    private let interval: Duration
    private let signals: [UnixSignal]
    private let clock: any Clock<Duration>

    /// - Parameters:
    ///   - store: The store to reload.
    ///   - interval: How often to look at the files.
    ///   - signals: Signals that force a reload; `[.sighup]` in production, empty where no signal may be trapped.
    ///   - clock: The clock the polling sleeps on.
    public init(
        store: PolicyStore, interval: Duration = .seconds(2), signals: [UnixSignal] = [.sighup],
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.store = store
        self.interval = interval
        self.signals = signals
        self.clock = clock
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if !signals.isEmpty {
                    group.addTask {
                        for await _ in await UnixSignalsSequence(trapping: signals) {
                            await store.reload(trigger: .signal)
                        }
                    }
                }
                group.addTask { await poll() }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    private func poll() async {
        var cache: [String: (PolicyDirectory.FileStamp, Int)] = [:]
        var pending: PolicyFingerprint?
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return  // cancelled: graceful shutdown is not a failure of the service
            }
            let (current, updatedCache) = await store.currentFingerprint(cache: cache)
            cache = updatedCache
            if current == store.lastAttemptedFingerprint {
                pending = nil
            } else if current == pending {
                await store.reload(trigger: .fileChange)
                pending = nil
            } else {
                pending = current
            }
        }
    }
}
