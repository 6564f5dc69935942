import Foundation
import Gateway
import Testing
import UnixSignals

@Suite struct PolicyReloadTests {
    /// Polls `condition` every 20 ms for at most `seconds`; true once it holds.
    private func eventually(within seconds: Double = 10, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    private static let loadedAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func storeRefusesToStartOnAnInvalidFolderWithEveryError() throws {
        let folder = try PolicyFixtures.temporaryFolder([
            "tiers.yaml": "tiers:\n  - name: free\n    providers: [gpu]\n    limits: {max_stepz: 1}\n"
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: PolicyLoadError.self) {
            try PolicyStore(directory: folder.path, metricsFactory: RecordingMetrics())
        }
        #expect(Set(error?.errors.map(\.code) ?? []) == [.unknownProvider, .unknownKey])
    }

    @Test func brokenEditKeepsTheOldPolicyAndAFixedEditIsApplied() async throws {
        let folder = try PolicyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metrics = RecordingMetrics()
        let store = try PolicyStore(directory: folder.path, now: { Self.loadedAt }, metricsFactory: metrics)
        #expect(store.status.version == 1)
        #expect(metrics.value("policy_reload_success") == 1)
        #expect(metrics.value("policy_last_reload_success_timestamp_seconds") == 1_800_000_000)

        let watcher = PolicyWatcher(store: store, interval: .milliseconds(50), signals: [])
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }

        let tiers = folder.appendingPathComponent("tiers.yaml")
        try PolicyFixtures.write("tiers:\n  - name: free\n    providers: [loc\n", to: tiers)
        #expect(try await eventually { store.status.lastError != nil })
        let failure = try #require(store.status.lastError)
        #expect(failure.trigger == .fileChange)
        #expect(failure.firstError?.code == .invalidYAML)
        #expect(failure.firstError?.location.file == "tiers.yaml")
        #expect(failure.firstError?.location.line == 4)
        #expect(store.status.version == 1)
        #expect(store.policy.tier(named: "free")?.limits.imagesPerDay == 20)
        #expect(metrics.value("policy_reload_success") == 0)
        #expect(metrics.value("policy_reload_failures_total") == 1)

        try PolicyFixtures.write(
            "tiers:\n  - name: free\n    providers: [local]\n    limits: {images_per_day: 99}\n", to: tiers)
        #expect(try await eventually { store.status.version == 2 })
        #expect(store.policy.tier(named: "free")?.limits.imagesPerDay == 99)
        #expect(store.status.lastError == nil)
        #expect(store.status.loadedBy == .fileChange)
        #expect(metrics.value("policy_reload_success") == 1)
        #expect(metrics.value("policy_version") == 2)
        #expect(metrics.value("policy_reload_failures_total") == 1)
    }

    @Test func adminReloadSwapsOnlyAValidSet() async throws {
        let folder = try PolicyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metrics = RecordingMetrics()
        let store = try PolicyStore(directory: folder.path, metricsFactory: metrics)
        let users = folder.appendingPathComponent("users.yaml")

        try PolicyFixtures.write("users:\n  - default: true\n    tier: gold\n", to: users)
        let rejected = await store.reload(trigger: .admin)
        #expect(rejected.version == 1)
        #expect(rejected.lastError?.description.hasPrefix("users.yaml:3:11: error: no tier is named `gold`") == true)
        #expect(store.policy.rules.first?.tier == "free")

        try PolicyFixtures.write(
            "users:\n  - email: a@example.com\n    tier: free\n  - default: true\n    tier: free\n", to: users)
        let applied = await store.reload(trigger: .admin)
        #expect(applied.version == 2)
        #expect(applied.isHealthy)
        #expect(applied.loadedBy == .admin)
        #expect(store.policy.rules.count == 2)
    }

    @Test func untouchedFilesAreNotReloadedAndCancellationEndsTheWatcher() async throws {
        let folder = try PolicyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try PolicyStore(directory: folder.path, metricsFactory: RecordingMetrics())
        let watcher = PolicyWatcher(store: store, interval: .milliseconds(20), signals: [])
        let watching = Task { try await watcher.run() }
        try await Task.sleep(for: .milliseconds(200))
        watching.cancel()
        try await watching.value
        #expect(store.status.version == 1)
    }
}

@Suite struct PolicySignalReloadTests {
    /// The watcher reloads on a trapped signal. SIGUSR2 stands in for SIGHUP so nothing else in the test process
    /// reacts; it is set to "ignore" first, so a signal sent before the watcher traps it cannot end the process.
    @Test func trappedSignalReloads() async throws {
        signal(SIGUSR2, SIG_IGN)
        let folder = try PolicyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try PolicyStore(directory: folder.path, metricsFactory: RecordingMetrics())
        let watcher = PolicyWatcher(store: store, interval: .seconds(3600), signals: [.sigusr2])
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while store.status.version == 1 && ContinuousClock.now < deadline {
            kill(getpid(), SIGUSR2)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(store.status.version > 1)
        #expect(store.status.loadedBy == .signal)
    }
}
