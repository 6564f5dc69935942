import Foundation
import Gateway
import Testing

/// An ops edit caught half-way by the watcher. The dangerous half is one that is valid on its own: here the first
/// rule of `users.yaml` without the default rule after it, which would leave every other user without a tier.
@Suite struct PolicyHalfWrittenEditTests {
    static let half = "users:\n  - email: a@example.com\n    tier: free\n"
    static let whole = half + "  - default: true\n    tier: free\n"

    @Test func aValidHalfOfAnEditIsNeverAppliedAndTheWholeEditIs() async throws {
        let folder = try PolicyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try PolicyStore(directory: folder.path, metricsFactory: RecordingMetrics())
        let clock = SteppedClock()
        let watcher = PolicyWatcher(store: store, interval: .seconds(1), signals: [], clock: clock)
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }
        let users = folder.appendingPathComponent("users.yaml")

        try await clock.step()
        try PolicyFixtures.write(Self.half, to: users)
        try await clock.step()
        #expect(store.status.version == 1, "the watcher applied the file it saw half-written")
        #expect(store.policy.rules.map(\.matcher.description) == ["default: true"])

        try PolicyFixtures.write(Self.whole, to: users)
        try await clock.step()
        #expect(store.status.version == 1, "the watcher applied a change it had seen only once")
        try await clock.step()
        #expect(store.status.version == 2)
        #expect(store.policy.rules.count == 2)
        #expect(store.status.lastError == nil)
    }
}
