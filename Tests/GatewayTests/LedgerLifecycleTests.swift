import Foundation
import Testing

@testable import Gateway

/// Reserve, attempts, settle and refund: what is charged, what counts, and what is refused.
@Suite struct LedgerLifecycleTests {
    let now = LedgerFixtures.date("2026-11-29T12:00:00Z")
    let limits = QuotaLimits(imagesPerDay: 5, spendPerDayMicros: 100_000)

    func withLedger(_ body: (SQLiteQuotaLedger) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        try await body(ledger)
        let audit = try await LedgerAudit.run(ledger)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
        await ledger.close()
    }

    func spentToday(_ ledger: SQLiteQuotaLedger) async throws -> Int64? {
        try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
            .first { $0.window == .spendPerDay }?.used
    }

    @Test func sameIdempotencyKeyAndBodyReturnsTheOriginalAndChargesNothing() async throws {
        try await withLedger { ledger in
            let key = ReservationRequest.Idempotency(key: "k1", requestHash: "h1")
            let first = try await ledger.reserve(
                LedgerFixtures.request("job-1", limits: limits, estimate: 10_000, idempotency: key, now: now))
            let again = try await ledger.reserve(
                LedgerFixtures.request("job-2", limits: limits, estimate: 10_000, idempotency: key, now: now))
            #expect(again == .duplicate(try #require(first.admitted)))
            #expect(try await spentToday(ledger) == 10_000)
            #expect(try await ledger.reservation(jobID: JobID("job-2")) == nil)

            // Still the original after it settled; another user may use the same key.
            try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 4_000, at: now), jobID: JobID("job-1"))
            let settled = try await ledger.settle(jobID: JobID("job-1"), now: now)
            #expect(
                try await ledger.reserve(
                    LedgerFixtures.request("job-3", limits: limits, idempotency: key, now: now)) == .duplicate(settled))
            let bobs = try await ledger.reserve(
                LedgerFixtures.request("job-4", user: LedgerFixtures.bob, idempotency: key, now: now))
            #expect(bobs.admitted != nil)
        }
    }

    @Test func sameIdempotencyKeyWithAnotherBodyIsAConflict() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(
                LedgerFixtures.request(
                    "job-1", limits: limits, idempotency: .init(key: "k1", requestHash: "h1"), now: now))
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.reserve(
                    LedgerFixtures.request(
                        "job-2", limits: limits, idempotency: .init(key: "k1", requestHash: "h2"), now: now))
            }
            #expect(error?.reason == "idempotency_conflict")
            #expect(try await spentToday(ledger) == 1_000)
        }
    }

    @Test func settleChargesTheRealCostLowerOrHigherThanTheEstimate() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(LedgerFixtures.request("cheap", limits: limits, estimate: 10_000, now: now))
            _ = try await ledger.reserve(LedgerFixtures.request("dear", limits: limits, estimate: 10_000, now: now))
            #expect(try await spentToday(ledger) == 20_000)

            try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 2_600, at: now), jobID: JobID("cheap"))
            let cheap = try await ledger.settle(jobID: JobID("cheap"), now: now)
            #expect(cheap.state == .settled)
            #expect(cheap.chargedMicros == 2_600)
            #expect(cheap.producedImage)
            #expect(try await spentToday(ledger) == 12_600)

            try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 13_000, at: now), jobID: JobID("dear"))
            #expect(try await ledger.settle(jobID: JobID("dear"), now: now).chargedMicros == 13_000)
            #expect(try await spentToday(ledger) == 15_600)
            #expect(try await ledger.reservation(jobID: JobID("dear"))?.state == .settled)
        }
    }

    @Test func settleRecordsTheFinalAttemptInTheSameTransaction() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(LedgerFixtures.request("job", limits: limits, estimate: 10_000, now: now))
            try await ledger.recordAttempt(
                LedgerFixtures.attempt("banana", .failed, cost: 900, at: now), jobID: JobID("job"))
            let success = LedgerFixtures.attempt(cost: 2_500, at: now)
            let settled = try await ledger.settle(jobID: JobID("job"), finalAttempt: success, now: now)
            #expect(settled.chargedMicros == 2_500)
            #expect(try await ledger.attempts(jobID: JobID("job")).map(\.provider) == ["banana", "local"])

            // A refused final attempt rolls the whole settle back: the job stays held, nothing is charged.
            _ = try await ledger.reserve(LedgerFixtures.request("two", limits: limits, estimate: 10_000, now: now))
            try await ledger.recordAttempt(success, jobID: JobID("two"))
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.settle(jobID: JobID("two"), finalAttempt: success, now: now)
            }
            #expect(error?.reason == "second_successful_attempt")
            #expect(try await ledger.reservation(jobID: JobID("two"))?.state == .held)
            #expect(try await ledger.attempts(jobID: JobID("two")).count == 1)
            #expect(try await spentToday(ledger) == 12_500)
        }
    }

    @Test func refundCountsNothing() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(LedgerFixtures.request("job", limits: limits, estimate: 10_000, now: now))
            let refunded = try await ledger.refund(jobID: JobID("job"), reason: "all providers down", now: now)
            #expect(refunded.state == .refunded)
            #expect(refunded.chargedMicros == 0)
            #expect(refunded.closeReason == "all providers down")
            let status = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
            #expect(status.allSatisfy { $0.used == 0 })
        }
    }

    @Test func failedOverAttemptsAreRecordedAndTheUserIsChargedOnce() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(LedgerFixtures.request("job", limits: limits, estimate: 10_000, now: now))
            let attempts = [
                LedgerFixtures.attempt("banana", .timedOut, cost: 1_500, paidMilliseconds: 6_000, at: now),
                LedgerFixtures.attempt("runpod", .failed, cost: 500, paidMilliseconds: 2_000, at: now),
                LedgerFixtures.attempt("local", .succeeded, cost: 3_000, paidMilliseconds: 12_000, at: now),
            ]
            for attempt in attempts {
                try await ledger.recordAttempt(attempt, jobID: JobID("job"))
            }
            #expect(try await ledger.attempts(jobID: JobID("job")) == attempts)
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 3_000, at: now), jobID: JobID("job"))
            }
            #expect(error?.reason == "second_successful_attempt")
            #expect(try await ledger.settle(jobID: JobID("job"), now: now).chargedMicros == 3_000)
            #expect(try await spentToday(ledger) == 3_000)
        }
    }

    @Test func failedAttemptsArePassedOnWhenTheTierSaysSo() async throws {
        try await withLedger { ledger in
            _ = try await ledger.reserve(
                LedgerFixtures.request(
                    "job", limits: limits, estimate: 10_000, chargesFailedAttempts: true, now: now))
            try await ledger.recordAttempt(
                LedgerFixtures.attempt("banana", .failed, cost: 1_500, at: now), jobID: JobID("job"))
            try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 3_000, at: now), jobID: JobID("job"))
            #expect(try await ledger.settle(jobID: JobID("job"), now: now).chargedMicros == 4_500)

            // A job that failed after paid work, settled without an image: the paid time only.
            _ = try await ledger.reserve(
                LedgerFixtures.request(
                    "lost", limits: limits, estimate: 10_000, chargesFailedAttempts: true, now: now))
            try await ledger.recordAttempt(
                LedgerFixtures.attempt("banana", .failed, cost: 700, at: now), jobID: JobID("lost"))
            let lost = try await ledger.settle(jobID: JobID("lost"), now: now)
            #expect(lost.chargedMicros == 700)
            #expect(!lost.producedImage)
            let status = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
            #expect(status.first { $0.window == .imagesPerDay }?.used == 1)
            #expect(status.first { $0.window == .spendPerDay }?.used == 5_200)
        }
    }

    @Test func badInputsAreRefusedAndChargeNothing() async throws {
        try await withLedger { ledger in
            let negative = await #expect(throws: LedgerError.self) {
                try await ledger.reserve(LedgerFixtures.request("job", limits: limits, estimate: -1, now: now))
            }
            #expect(negative?.reason == "invalid_request")
            let empty = await #expect(throws: LedgerError.self) {
                try await ledger.reserve(LedgerFixtures.request("", limits: limits, now: now))
            }
            #expect(empty?.reason == "invalid_request")
            let unknown = await #expect(throws: LedgerError.self) {
                try await ledger.settle(jobID: JobID("nobody"), now: now)
            }
            #expect(unknown?.reason == "unknown_job")
            let unknownAttempt = await #expect(throws: LedgerError.self) {
                try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 1, at: now), jobID: JobID("nobody"))
            }
            #expect(unknownAttempt?.reason == "unknown_job")

            _ = try await ledger.reserve(LedgerFixtures.request("job", limits: limits, estimate: 10_000, now: now))
            let duplicate = await #expect(throws: LedgerError.self) {
                try await ledger.reserve(LedgerFixtures.request("job", limits: limits, now: now))
            }
            #expect(duplicate?.reason == "duplicate_job_id")
            let negativeCost = await #expect(throws: LedgerError.self) {
                try await ledger.recordAttempt(LedgerFixtures.attempt(cost: -5, at: now), jobID: JobID("job"))
            }
            #expect(negativeCost?.reason == "invalid_request")

            try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 2_000, at: now), jobID: JobID("job"))
            let refundImage = await #expect(throws: LedgerError.self) {
                try await ledger.refund(jobID: JobID("job"), reason: "changed my mind", now: now)
            }
            #expect(refundImage?.reason == "job_produced_image")
            _ = try await ledger.settle(jobID: JobID("job"), now: now)
            let twice = await #expect(throws: LedgerError.self) {
                try await ledger.settle(jobID: JobID("job"), now: now)
            }
            #expect(twice?.reason == "job_not_held")
            let refundSettled = await #expect(throws: LedgerError.self) {
                try await ledger.refund(jobID: JobID("job"), reason: "late", now: now)
            }
            #expect(refundSettled?.reason == "job_not_held")
            let lateAttempt = await #expect(throws: LedgerError.self) {
                try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 9, at: now), jobID: JobID("job"))
            }
            #expect(lateAttempt?.reason == "job_not_held")

            #expect(try await spentToday(ledger) == 2_000)
            #expect(try await ledger.attempts(jobID: JobID("job")).count == 1)
        }
    }
}
