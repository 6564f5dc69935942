import Foundation
import Testing

@testable import Gateway

/// The quota ledger's contract, run unchanged against SQLite and against a real PostgreSQL server.
@Suite struct LedgerConformanceTests {
    let now = Fixtures.date("2026-11-29T12:00:00Z")

    @Test(arguments: StoreKind.allCases) func reservesUpToTheDailyLimitAndNamesTheWindow(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let limits = QuotaLimits(imagesPerDay: 2)
        for index in 0..<2 {
            let outcome = try await store.ledger.reserve(Fixtures.request("job-\(index)", limits: limits, now: now))
            #expect(outcome.admitted?.state == .held)
        }
        let denial = try #require(
            try await store.ledger.reserve(Fixtures.request("job-2", limits: limits, now: now)).denial)
        #expect(denial.window == .imagesPerDay)
        #expect(denial.used == 2)
        #expect(denial.resetsAt == Fixtures.date("2026-11-30T00:00:00Z"))
        #expect(try await store.ledger.reservation(jobID: JobID("job-2")) == nil)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func concurrentReservationsAdmitExactlyTheLimit(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let limits = QuotaLimits(imagesPerDay: 7, spendPerDayMicros: 1_000_000)
        let ledger = store.ledger
        let now = self.now
        let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<60 {
                group.addTask {
                    try await ledger.reserve(Fixtures.request("c-\(index)", limits: limits, now: now)).admitted != nil
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 7)
        let windows = try await ledger.remaining(user: Fixtures.alice, limits: limits, now: now)
        #expect(windows.first { $0.window == .imagesPerDay }?.used == 7)
        #expect(windows.first { $0.window == .spendPerDay }?.used == 7_000)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func idempotencyKeysReplayOrConflict(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let key = ReservationRequest.Idempotency(key: "retry-1", requestHash: "aaa")
        let first = try await store.ledger.reserve(Fixtures.request("i-1", idempotency: key, now: now))
        #expect(first.admitted != nil)
        let replay = try await store.ledger.reserve(Fixtures.request("i-2", idempotency: key, now: now))
        guard case .duplicate(let original) = replay else {
            Issue.record("expected the original reservation, got \(replay)")
            return
        }
        #expect(original.jobID == JobID("i-1"))
        await expectLedgerError("idempotency_conflict") {
            _ = try await store.ledger.reserve(
                Fixtures.request("i-3", idempotency: .init(key: "retry-1", requestHash: "bbb"), now: now))
        }
        let otherUser = try await store.ledger.reserve(
            Fixtures.request("i-4", user: Fixtures.bob, idempotency: key, now: now))
        #expect(otherUser.admitted != nil, "keys are per user")
        await expectLedgerError("duplicate_job_id") {
            _ = try await store.ledger.reserve(Fixtures.request("i-1", now: now))
        }
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func settleChargesOnceAndRefundFreesTheImage(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let ledger = store.ledger
        let limits = QuotaLimits(imagesPerDay: 5, spendPerDayMicros: 100_000)
        _ = try await ledger.reserve(Fixtures.request("s-1", limits: limits, estimate: 20_000, now: now))
        _ = try await ledger.reserve(
            Fixtures.request("s-2", limits: limits, estimate: 20_000, chargesFailedAttempts: true, now: now))
        _ = try await ledger.reserve(Fixtures.request("s-3", limits: limits, estimate: 20_000, now: now))

        try await ledger.recordAttempt(Fixtures.attempt("a", .failed, cost: 300, at: now), jobID: JobID("s-1"))
        let settled = try await ledger.settle(
            jobID: JobID("s-1"), finalAttempt: Fixtures.attempt("b", cost: 1_500, at: now), now: now)
        #expect(settled.state == .settled)
        #expect(settled.chargedMicros == 1_500, "failed attempts are not passed on by this tier")
        #expect(settled.producedImage)
        #expect(try await ledger.attempts(jobID: JobID("s-1")).map(\.provider) == ["a", "b"])

        try await ledger.recordAttempt(Fixtures.attempt("a", .timedOut, cost: 400, at: now), jobID: JobID("s-2"))
        try await ledger.recordAttempt(Fixtures.attempt("b", cost: 1_000, at: now), jobID: JobID("s-2"))
        await expectLedgerError("second_successful_attempt") {
            try await ledger.recordAttempt(Fixtures.attempt("c", cost: 1, at: now), jobID: JobID("s-2"))
        }
        await expectLedgerError("job_produced_image") {
            _ = try await ledger.refund(jobID: JobID("s-2"), reason: "no", now: now)
        }
        #expect(try await ledger.settle(jobID: JobID("s-2"), now: now).chargedMicros == 1_400)

        let refunded = try await ledger.refund(jobID: JobID("s-3"), reason: "provider down", now: now)
        #expect(refunded.state == .refunded)
        #expect(refunded.chargedMicros == 0)
        await expectLedgerError("job_not_held") { _ = try await ledger.settle(jobID: JobID("s-3"), now: now) }
        await expectLedgerError("unknown_job") {
            _ = try await ledger.refund(jobID: JobID("nope"), reason: "x", now: now)
        }
        await expectLedgerError("invalid_request") {
            try await ledger.recordAttempt(Fixtures.attempt(cost: -1, at: now), jobID: JobID("s-1"))
        }

        let windows = try await ledger.remaining(user: Fixtures.alice, limits: limits, now: now)
        #expect(windows.first { $0.window == .imagesPerDay }?.used == 2)
        #expect(windows.first { $0.window == .spendPerDay }?.used == 2_900)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func concurrencyLimitCountsHeldJobs(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let limits = QuotaLimits(maxConcurrentJobs: 1)
        #expect(try await store.ledger.reserve(Fixtures.request("k-1", limits: limits, now: now)).admitted != nil)
        let denial = try await store.ledger.reserve(Fixtures.request("k-2", limits: limits, now: now)).denial
        #expect(denial?.window == .concurrentJobs)
        #expect(denial?.resetsAt == nil)
        _ = try await store.ledger.refund(jobID: JobID("k-1"), reason: "done", now: now)
        #expect(try await store.ledger.reserve(Fixtures.request("k-2", limits: limits, now: now)).admitted != nil)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func usageAndProviderCostReadClosedJobs(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let ledger = store.ledger
        _ = try await ledger.reserve(Fixtures.request("u-1", now: now))
        _ = try await ledger.settle(
            jobID: JobID("u-1"), finalAttempt: Fixtures.attempt("gpu", cost: 2_000, paidMilliseconds: 3_000, at: now),
            now: now)
        _ = try await ledger.reserve(Fixtures.request("u-2", user: Fixtures.bob, now: now))
        _ = try await ledger.refund(jobID: JobID("u-2"), reason: "failed", now: now)
        _ = try await ledger.reserve(Fixtures.request("u-3", now: now))

        #expect(try await ledger.providerCost(provider: "gpu", since: now.addingTimeInterval(-60)) == 2_000)
        #expect(try await ledger.providerCost(provider: "gpu", since: now.addingTimeInterval(60)) == 0)
        let report = try await ledger.usage(UsageQuery(month: UTCMonth(containing: now)))
        let alice = try #require(report.users.first { $0.user == Fixtures.alice })
        #expect(alice.jobs == 1, "held jobs do not count yet")
        #expect(alice.images == 1)
        #expect(alice.spendMicros == 2_000)
        #expect(alice.gpuSeconds == 3)
        #expect(report.users.first { $0.user == Fixtures.bob }?.images == 0)
        #expect(report.providers.map(\.provider) == ["gpu"])
        #expect(report.userDays.first { $0.user == Fixtures.alice }?.day == "2026-11-29")
        let onlyBob = try await ledger.usage(
            UsageQuery(month: UTCMonth(containing: now), userEmail: "1002@EXAMPLE.com"))
        #expect(onlyBob.users.map(\.user) == [Fixtures.bob])
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func aDeadProcessHoldsAreReleasedByTheNext(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let dead = try await fixture.open(instance: "a", started: now, lease: .milliseconds(300))
        _ = try await dead.ledger.reserve(Fixtures.request("d-1", estimate: 5_000, now: now))
        _ = try await dead.ledger.reserve(Fixtures.request("d-2", estimate: 5_000, now: now))
        try await dead.ledger.recordAttempt(Fixtures.attempt("gpu", cost: 700, at: now), jobID: JobID("d-2"))
        for id in ["d-1", "d-2"] {
            try await dead.jobs.insert(Fixtures.job(id, at: now))
            #expect(try await dead.jobs.markRunning(JobID(id), at: now))
        }
        await fixture.abandon(dead)

        let next = try await fixture.open(instance: "b", started: now.addingTimeInterval(1), lease: .milliseconds(300))
        try await Task.sleep(for: .milliseconds(600))
        let released = try await next.ledger.recoverOrphans(now: now)
        #expect(Set(released.map(\.jobID)) == [JobID("d-1"), JobID("d-2")])
        #expect(released.allSatisfy { $0.state == .released })
        #expect(released.first { $0.jobID == JobID("d-2") }?.chargedMicros == 700, "what it recorded is settled")
        #expect(try await next.jobs.interruptOrphans(at: now) == 2)
        // Each interrupted job shows what releasing its reservation charged, and says so.
        let unpaid = try #require(try await next.jobs.job(JobID("d-1")))
        #expect(unpaid.status == .interrupted && unpaid.costMicros == 0)
        #expect(unpaid.errorMessage?.hasSuffix("it was not charged") == true, "\(unpaid.errorMessage ?? "")")
        let paid = try #require(try await next.jobs.job(JobID("d-2")))
        #expect(paid.status == .interrupted && paid.costMicros == 700)
        #expect(paid.errorMessage?.hasSuffix("the work recorded before the stop was charged") == true)
        #expect(try await next.ledger.recoverOrphans(now: now).isEmpty, "released once")
        let windows = try await next.ledger.remaining(
            user: Fixtures.alice, limits: QuotaLimits(imagesPerDay: 10, spendPerDayMicros: 100_000), now: now)
        #expect(windows.first { $0.window == .imagesPerDay }?.used == 1)
        #expect(windows.first { $0.window == .spendPerDay }?.used == 700)
        await next.close()
    }
}
