import Foundation
import Testing

@testable import Gateway

/// A clock the ledger tests move by hand; nothing sleeps.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(seconds: Double) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    func set(_ date: Date) {
        lock.withLock { current = date }
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { GatewaySchema.databasePath(dataDirectory: url.path) }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

enum LedgerFixtures {
    static let alice = UserKey(issuer: "https://accounts.google.com", subject: "1001")
    static let bob = UserKey(issuer: "https://accounts.google.com", subject: "1002")

    /// Parses `2026-11-29T23:59:59Z`.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func owner(_ instance: String = "test", started: Date = date("2026-01-01T00:00:00Z")) -> LedgerOwner {
        LedgerOwner(instanceID: instance, processStartedAt: started)
    }

    static func openLedger(_ folder: TemporaryFolder, owner: LedgerOwner = owner()) async throws -> SQLiteQuotaLedger {
        try await SQLiteQuotaLedger.open(path: folder.databasePath, owner: owner)
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

/// What the database says, checked against itself: the day and month window counters equal what the reservations
/// add up to, and every closed charge equals what its attempts add up to.
struct LedgerAudit: Sendable {
    var held = 0
    var settled = 0
    var refunded = 0
    var released = 0
    var chargedMicros: Int64 = 0
    var windowMismatches: [String] = []
    var chargeMismatches: [String] = []

    static func run(_ ledger: SQLiteQuotaLedger) async throws -> LedgerAudit {
        try await ledger.database.perform { connection in
            var audit = LedgerAudit()
            for (state, count, charged) in try connection.query(
                "SELECT state, count(*), sum(charged_micros) FROM reservations GROUP BY state",
                row: { ($0.text(0), Int($0.int64(1)), $0.int64(2)) })
            {
                switch state {
                case "held": audit.held = count
                case "settled": audit.settled = count
                case "refunded": audit.refunded = count
                default: audit.released = count
                }
                audit.chargedMicros += charged
            }
            for period in ["day", "month"] {
                let column = period == "day" ? "day_start" : "month_start"
                audit.windowMismatches += try connection.query(
                    """
                    WITH expected AS (
                        SELECT user_key, \(column) AS start,
                            sum(CASE WHEN state = 'held' OR produced_image = 1 THEN 1 ELSE 0 END) AS images,
                            sum(CASE WHEN state = 'held' THEN estimate_micros ELSE charged_micros END) AS spend
                        FROM reservations GROUP BY user_key, \(column))
                    SELECT coalesce(e.user_key, w.user_key), coalesce(e.start, w.period_start),
                        coalesce(e.images, 0), coalesce(w.images, 0), coalesce(e.spend, 0), coalesce(w.spend_micros, 0)
                    FROM expected e FULL OUTER JOIN (SELECT * FROM quota_windows WHERE period = ?1) w
                        ON w.user_key = e.user_key AND w.period_start = e.start
                    WHERE coalesce(e.images, 0) != coalesce(w.images, 0) OR coalesce(e.spend, 0) != coalesce(w.spend_micros, 0)
                    """, [.text(period)]
                ) {
                    "\(period) \($0.text(0)) \($0.int64(1)): images \($0.int64(2)) vs \($0.int64(3)), spend \($0.int64(4)) vs \($0.int64(5))"
                }
            }
            audit.chargeMismatches = try connection.query(
                """
                SELECT r.job_id, r.charged_micros,
                    coalesce((SELECT sum(a.cost_micros) FROM attempts a WHERE a.job_id = r.job_id
                        AND (a.outcome = 'succeeded' OR r.charges_failed_attempts = 1)), 0)
                FROM reservations r WHERE r.state IN ('settled', 'released')
                """
            ) { ($0.text(0), $0.int64(1), $0.int64(2)) }
            .filter { $0.1 != $0.2 }
            .map { "\($0.0): charged \($0.1), attempts say \($0.2)" }
            return audit
        }
    }
}
