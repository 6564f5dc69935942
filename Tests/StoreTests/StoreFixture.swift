import Foundation
import Logging
import Providers
import Testing

@testable import Gateway

/// Which store a conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// One empty store of a kind (a temporary SQLite folder, or a fresh database on the test PostgreSQL server), opened
/// by `GatewayStore.open` from a configuration as the gateway opens it; each `open` is one gateway process.
struct StoreFixture: Sendable {
    let kind: StoreKind
    let folder: URL
    /// The store URL on PostgreSQL; nil for SQLite.
    let url: String?

    static func make(_ kind: StoreKind) async throws -> StoreFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        switch kind {
        case .sqlite: return StoreFixture(kind: kind, folder: folder, url: nil)
        case .postgres:
            return StoreFixture(kind: kind, folder: folder, url: try await PostgresTestServer.shared().freshDatabase())
        }
    }

    /// Opens the store as a gateway process named `instance` that started at `started`.
    func open(
        instance: String = "test", started: Date = Date(), lease: Duration = .seconds(30)
    ) async throws -> GatewayStore {
        let configuration = GatewayConfiguration(
            dataDirectory: folder.path, instanceID: instance, store: url, lease: lease)
        var logger = Logger(label: "store-tests")
        logger.logLevel = .warning
        return try await GatewayStore.open(configuration, now: { started }, logger: logger)
    }

    /// Stops a process's store the way a crash would: nothing is closed or unregistered beyond what the kernel does
    /// for a dead process (SQLite's file lock goes; a PostgreSQL instance simply stops renewing its lease).
    func abandon(_ store: GatewayStore) async {
        if let shared = store.sharedLedger {
            (store.jobs as? PostgresJobStore)?.close()
            await shared.database.close()
        } else {
            await store.close()
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

enum Fixtures {
    static let alice = UserKey(issuer: "https://accounts.google.com", subject: "1001")
    static let bob = UserKey(issuer: "https://accounts.google.com", subject: "1002")

    /// Parses `2026-11-29T23:59:59Z`.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func request(
        _ job: String, user: UserKey = alice, limits: QuotaLimits = QuotaLimits(), estimate: Int64 = 1_000,
        chargesFailedAttempts: Bool = false, idempotency: ReservationRequest.Idempotency? = nil, now: Date
    ) -> ReservationRequest {
        ReservationRequest(
            jobID: JobID(job), user: user, email: "\(user.subject)@example.com", limits: limits,
            estimateMicros: estimate, chargesFailedAttempts: chargesFailedAttempts, idempotency: idempotency,
            now: now)
    }

    static func attempt(
        _ provider: String = "local", _ outcome: AttemptRecord.Outcome = .succeeded, cost: Int64,
        paidMilliseconds: Int64 = 1_000, at date: Date
    ) -> AttemptRecord {
        AttemptRecord(
            provider: provider, outcome: outcome, startedAt: date, durationMilliseconds: paidMilliseconds + 200,
            paidMilliseconds: paidMilliseconds, costMicros: cost)
    }

    static func job(_ id: String, user: UserKey = alice, at date: Date) -> Job {
        Job(
            id: JobID(id), user: user, email: "\(user.subject)@example.com",
            request: .init(prompt: "a red fox", width: 256, height: 256, steps: 4, seed: 7), providerHint: nil,
            idempotencyKey: nil, status: .queued, progressStep: 0, progressTotal: 4, provider: nil, createdAt: date,
            costMicros: 0)
    }
}

extension ReservationOutcome {
    var admitted: Reservation? {
        if case .admitted(let reservation) = self { return reservation }
        return nil
    }

    var denial: QuotaDenial? {
        if case .denied(let denial) = self { return denial }
        return nil
    }
}

/// Expects `body` to throw a `LedgerError` with `reason`.
func expectLedgerError(_ reason: String, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected ledger error \(reason), nothing was thrown")
    } catch let error as LedgerError {
        #expect(error.reason == reason, "\(error)")
    } catch {
        Issue.record("expected ledger error \(reason), got \(error)")
    }
}
