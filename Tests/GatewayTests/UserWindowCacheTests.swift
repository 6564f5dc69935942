import Foundation
import Testing

@testable import Gateway

/// `remaining` answers from the ledger's cache of each user's windows: every change shows at once, a new day
/// starts from the database, and under concurrent reservations the cached answer equals a fresh read.
@Suite struct UserWindowCacheTests {
    let now = LedgerFixtures.date("2026-11-29T12:00:00Z")
    let limits = QuotaLimits(
        imagesPerDay: 5, imagesPerMonth: 50, spendPerDayMicros: 100_000, spendPerMonthMicros: 1_000_000,
        maxConcurrentJobs: 3)

    func used(_ ledger: SQLiteQuotaLedger, at date: Date? = nil) async throws -> [QuotaWindow: Int64] {
        let statuses = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: date ?? now)
        return Dictionary(uniqueKeysWithValues: statuses.map { ($0.window, $0.used) })
    }

    @Test func everyChangeShowsAtOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        #expect(try await used(ledger)[.imagesPerDay] == 0)  // fills the cache

        _ = try await ledger.reserve(LedgerFixtures.request("job-1", limits: limits, estimate: 10_000, now: now))
        var windows = try await used(ledger)
        #expect(windows[.imagesPerDay] == 1 && windows[.spendPerDay] == 10_000 && windows[.concurrentJobs] == 1)

        try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 4_000, at: now), jobID: JobID("job-1"))
        _ = try await ledger.settle(jobID: JobID("job-1"), finalAttempt: nil, now: now)
        windows = try await used(ledger)
        #expect(windows[.imagesPerDay] == 1 && windows[.spendPerMonth] == 4_000 && windows[.concurrentJobs] == 0)

        _ = try await ledger.reserve(LedgerFixtures.request("job-2", limits: limits, estimate: 10_000, now: now))
        #expect(try await used(ledger)[.imagesPerDay] == 2)
        _ = try await ledger.refund(jobID: JobID("job-2"), reason: "cancelled", now: now)
        windows = try await used(ledger)
        #expect(windows[.imagesPerDay] == 1 && windows[.spendPerDay] == 4_000 && windows[.concurrentJobs] == 0)

        // The next day starts empty; the month goes on.
        let tomorrow = now.addingTimeInterval(86_400)
        windows = try await used(ledger, at: tomorrow)
        #expect(windows[.imagesPerDay] == 0 && windows[.imagesPerMonth] == 1)
        await ledger.close()
    }

    @Test func concurrentReservationsLeaveTheCacheEqualToAFreshRead() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let limits = QuotaLimits(imagesPerDay: 100, spendPerDayMicros: 10_000_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                group.addTask {
                    let job = JobID("job-\(index)")
                    let outcome = try await ledger.reserve(
                        LedgerFixtures.request(job.rawValue, limits: limits, estimate: 5_000, now: now))
                    if outcome.admitted != nil, index.isMultiple(of: 2) {
                        try await ledger.recordAttempt(LedgerFixtures.attempt(cost: 2_000, at: now), jobID: job)
                        _ = try await ledger.settle(jobID: job, finalAttempt: nil, now: now)
                    } else if outcome.admitted != nil {
                        _ = try await ledger.refund(jobID: job, reason: "cancelled", now: now)
                    }
                }
                group.addTask {
                    _ = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
                }
            }
            try await group.waitForAll()
        }
        let cached = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
        let reader = try await SQLiteQuotaLedger.open(
            path: folder.databasePath, owner: LedgerFixtures.owner("reader"), options: .init(readOnly: true))
        let fresh = try await reader.remaining(user: LedgerFixtures.alice, limits: limits, now: now)
        #expect(cached == fresh)
        #expect(cached.first { $0.window == .imagesPerDay }?.used == 30)
        await reader.close()
        await ledger.close()
    }
}
