import Foundation
import Testing

@testable import Gateway

/// N simultaneous reservations against a limit of k admit exactly k, whatever the window.
@Suite struct LedgerConcurrencyTests {
    let now = LedgerFixtures.date("2026-11-29T12:00:00Z")

    /// Fires `count` reservations at once and returns the admitted reservations and the denials.
    func reserveConcurrently(
        _ ledger: SQLiteQuotaLedger, count: Int, limits: QuotaLimits, estimate: Int64 = 1_000
    ) async throws -> (admitted: [Reservation], denied: [QuotaDenial]) {
        let outcomes = try await withThrowingTaskGroup(of: ReservationOutcome.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await ledger.reserve(
                        LedgerFixtures.request("job-\(index)", limits: limits, estimate: estimate, now: now))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        return (outcomes.compactMap(\.admitted), outcomes.compactMap(\.denial))
    }

    @Test func fiveHundredReservationsAgainstTenImagesPerDayAdmitTen() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let (admitted, denied) = try await reserveConcurrently(
            ledger, count: 500, limits: QuotaLimits(imagesPerDay: 10), estimate: 2_000)
        #expect(admitted.count == 10)
        #expect(denied.count == 490)
        #expect(denied.allSatisfy { $0.window == .imagesPerDay && $0.used == 10 && $0.limit == 10 })
        let status = try await ledger.remaining(
            user: LedgerFixtures.alice, limits: QuotaLimits(imagesPerDay: 10, spendPerDayMicros: 1_000_000), now: now)
        #expect(status.first { $0.window == .imagesPerDay }?.used == 10)
        #expect(status.first { $0.window == .spendPerDay }?.used == 20_000)
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.held == 10)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
    }

    @Test func fiveHundredReservationsAgainstTwoConcurrentJobsAdmitTwoUntilOneEnds() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let limits = QuotaLimits(maxConcurrentJobs: 2)
        let (admitted, denied) = try await reserveConcurrently(ledger, count: 500, limits: limits)
        #expect(admitted.count == 2)
        #expect(denied.allSatisfy { $0.window == .concurrentJobs && $0.resetsAt == nil })
        #expect(denied.first?.retryAfterSeconds(now: now) == nil)

        _ = try await ledger.refund(jobID: admitted[0].jobID, reason: "provider down", now: now)
        let next = try await ledger.reserve(LedgerFixtures.request("after-refund", limits: limits, now: now))
        #expect(next.admitted != nil)
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.held == 2)
        #expect(audit.refunded == 1)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
    }

    @Test func fiveHundredReservationsAgainstASpendLimitAdmitWhatFits() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        // 25,000 micro-dollars a month at 3,000 each: eight fit (24,000), the ninth would make 27,000.
        let limits = QuotaLimits(spendPerMonthMicros: 25_000)
        let (admitted, denied) = try await reserveConcurrently(ledger, count: 500, limits: limits, estimate: 3_000)
        #expect(admitted.count == 8)
        #expect(denied.count == 492)
        #expect(denied.allSatisfy { $0.window == .spendPerMonth && $0.used == 24_000 && $0.requested == 3_000 })
        #expect(denied.first?.resetsAt == LedgerFixtures.date("2026-12-01T00:00:00Z"))

        for reservation in admitted {
            try await ledger.recordAttempt(
                LedgerFixtures.attempt(cost: 1_000, at: now), jobID: reservation.jobID)
            _ = try await ledger.settle(jobID: reservation.jobID, now: now)
        }
        let status = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
        #expect(status.first?.used == 8_000)
        #expect(status.first?.remaining == 17_000)
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.settled == 8)
        #expect(audit.chargedMicros == 8_000)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
    }

    @Test func concurrentDoubleSettlesChargeEachJobOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let (admitted, _) = try await reserveConcurrently(ledger, count: 100, limits: QuotaLimits(), estimate: 5_000)
        #expect(admitted.count == 100)
        let reasons = await withTaskGroup(of: String.self) { group in
            for reservation in admitted + admitted {
                group.addTask {
                    do {
                        _ = try await ledger.settle(
                            jobID: reservation.jobID, finalAttempt: LedgerFixtures.attempt(cost: 1_000, at: now),
                            now: now)
                        return "settled"
                    } catch let error as LedgerError {
                        return error.reason
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        // The second settle of a job sees the first, even inside the same group commit.
        #expect(reasons == ["settled": 100, "job_not_held": 100])
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.settled == 100)
        #expect(audit.chargedMicros == 100_000)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
    }

    @Test func concurrentRetriesWithOneIdempotencyKeyMakeOneReservation() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let key = ReservationRequest.Idempotency(key: "retry-1", requestHash: "sha256:abc")
        let outcomes = try await withThrowingTaskGroup(of: ReservationOutcome.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await ledger.reserve(LedgerFixtures.request("job-\(index)", idempotency: key, now: now))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let admitted = outcomes.compactMap(\.admitted)
        let duplicates = outcomes.compactMap { outcome -> Reservation? in
            if case .duplicate(let reservation) = outcome { return reservation }
            return nil
        }
        #expect(admitted.count == 1)
        #expect(duplicates.count == 99)
        #expect(duplicates.allSatisfy { $0.jobID == admitted.first?.jobID })
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.held == 1)
    }
}
