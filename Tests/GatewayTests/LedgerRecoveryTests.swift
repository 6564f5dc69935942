import Foundation
import Testing

@testable import Gateway

/// A restart releases the holds of jobs that died with the old process and keeps the day and month windows.
@Suite struct LedgerRecoveryTests {
    let now = LedgerFixtures.date("2026-11-29T12:00:00Z")
    let limits = QuotaLimits(requestsPerMinute: 2, imagesPerDay: 10, spendPerMonthMicros: 1_000_000)

    @Test func restartReleasesOrphansFromWhatTheyRecorded() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try await LedgerFixtures.openLedger(
            folder, owner: LedgerFixtures.owner("gw-1", started: LedgerFixtures.date("2026-11-29T08:00:00Z")))
        _ = try await first.reserve(
            LedgerFixtures.request("done", limits: limits, estimate: 10_000, chargesFailedAttempts: true, now: now))
        try await first.recordAttempt(LedgerFixtures.attempt(cost: 2_000, at: now), jobID: JobID("done"))
        _ = try await first.settle(jobID: JobID("done"), now: now)
        _ = try await first.reserve(
            LedgerFixtures.request("unpaid", limits: limits, estimate: 10_000, chargesFailedAttempts: true, now: now))
        let later = now.addingTimeInterval(120)
        _ = try await first.reserve(
            LedgerFixtures.request(
                "paid-fail", limits: limits, estimate: 10_000, chargesFailedAttempts: true, now: later))
        try await first.recordAttempt(
            LedgerFixtures.attempt("banana", .failed, cost: 800, at: later), jobID: JobID("paid-fail"))
        _ = try await first.reserve(LedgerFixtures.request("imaged", limits: limits, estimate: 10_000, now: later))
        try await first.recordAttempt(LedgerFixtures.attempt(cost: 3_000, at: later), jobID: JobID("imaged"))
        await first.close()

        // The same instance restarted: a new process start time.
        let restartTime = later.addingTimeInterval(5)
        let second = try await SQLiteQuotaLedger.open(
            path: folder.databasePath,
            owner: LedgerFixtures.owner("gw-1", started: restartTime))
        let mine = try await second.reserve(LedgerFixtures.request("new", limits: limits, now: restartTime))
        #expect(mine.admitted != nil)
        let released = try await second.recoverOrphans(now: restartTime)
        let byJob = Dictionary(uniqueKeysWithValues: released.map { ($0.jobID.rawValue, $0) })
        #expect(Set(byJob.keys) == ["unpaid", "paid-fail", "imaged"])
        #expect(byJob.values.allSatisfy { $0.state == .released && $0.closedAt == restartTime })
        #expect(byJob["unpaid"]?.chargedMicros == 0)
        #expect(byJob["paid-fail"]?.chargedMicros == 800)
        #expect(byJob["paid-fail"]?.producedImage == false)
        #expect(byJob["imaged"]?.chargedMicros == 3_000)
        #expect(byJob["imaged"]?.producedImage == true)
        #expect(try await second.reservation(jobID: JobID("new"))?.state == .held)
        #expect(try await second.recoverOrphans(now: restartTime).isEmpty)

        // Windows came from the database: images of done, imaged and new; charges 2,000 + 800 + 3,000 plus the new
        // job's 1,000 estimate.
        let status = try await second.remaining(user: LedgerFixtures.alice, limits: limits, now: restartTime)
        #expect(status.first { $0.window == .imagesPerDay }?.used == 3)
        let spent = status.first { $0.window == .spendPerMonth }?.used
        #expect(spent == 6_800)
        // The minute window lives in memory: only the new process's own request counts.
        #expect(status.first { $0.window == .requestsPerMinute }?.used == 1)
        let audit = try await LedgerAudit.run(second)
        #expect(audit.held == 1)
        #expect(audit.released == 3)
        #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
    }

    @Test func aSecondWriterOnTheSameFileIsRefused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try await LedgerFixtures.openLedger(folder)
        let error = await #expect(throws: SQLiteError.self) {
            try await LedgerFixtures.openLedger(folder, owner: LedgerFixtures.owner("other"))
        }
        #expect(error?.reason == "locked_by_another_process")
        // A read-only ledger (the usage command) may open beside it.
        let reader = try await SQLiteQuotaLedger.open(
            path: folder.databasePath, owner: LedgerFixtures.owner("usage"),
            options: SQLiteDatabase.Options(readOnly: true))
        #expect(try await reader.usage(UsageQuery(month: UTCMonth(containing: now))).users.isEmpty)
        await reader.close()
        await first.close()
    }
}
