import Foundation
import Testing

@testable import Gateway

/// Usage for ops: per user and per provider, per month and per day.
@Suite struct LedgerUsageTests {
    @Test func usageAddsUpPerUserAndProviderPerDayAndMonth() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let day1 = LedgerFixtures.date("2026-11-01T00:00:00Z")
        let day2 = LedgerFixtures.date("2026-11-30T23:59:59Z")
        let december = LedgerFixtures.date("2026-12-01T00:00:00Z")

        func job(
            _ id: String, _ user: UserKey, at date: Date, chargesFailed: Bool = false, _ attempts: [AttemptRecord]
        ) async throws {
            _ = try await ledger.reserve(
                LedgerFixtures.request(
                    id, user: user, estimate: 50_000, chargesFailedAttempts: chargesFailed, now: date))
            for attempt in attempts {
                try await ledger.recordAttempt(attempt, jobID: JobID(id))
            }
            _ = try await ledger.settle(jobID: JobID(id), now: date)
        }
        try await job(
            "a1", LedgerFixtures.alice, at: day1,
            [LedgerFixtures.attempt("banana", cost: 4_000, paidMilliseconds: 15_000, at: day1)])
        try await job(
            "a2", LedgerFixtures.alice, at: day2,
            [
                LedgerFixtures.attempt("banana", .timedOut, cost: 1_000, paidMilliseconds: 4_000, at: day2),
                LedgerFixtures.attempt("local", cost: 0, paidMilliseconds: 30_000, at: day2),
            ])
        try await job(
            "b1", LedgerFixtures.bob, at: day2, chargesFailed: true,
            [
                LedgerFixtures.attempt("banana", .failed, cost: 500, paidMilliseconds: 2_000, at: day2),
                LedgerFixtures.attempt("banana", cost: 3_500, paidMilliseconds: 13_000, at: day2),
            ])
        try await job("a3", LedgerFixtures.alice, at: december, [LedgerFixtures.attempt(cost: 9, at: december)])
        _ = try await ledger.reserve(LedgerFixtures.request("still-running", now: day2))
        _ = try await ledger.reserve(LedgerFixtures.request("refunded", now: day2))
        _ = try await ledger.refund(jobID: JobID("refunded"), reason: "no provider", now: day2)

        let november = try #require(UTCMonth("2026-11"))
        let report = try await ledger.usage(UsageQuery(month: november))
        let alice = try #require(report.users.first { $0.user == LedgerFixtures.alice })
        #expect(alice.email == "1001@example.com")
        #expect(alice.jobs == 3)
        #expect(alice.images == 2)
        #expect(alice.gpuSeconds == 49)
        #expect(alice.spendMicros == 4_000)
        let bob = try #require(report.users.first { $0.user == LedgerFixtures.bob })
        #expect(bob.images == 1)
        #expect(bob.gpuSeconds == 15)
        #expect(bob.spendMicros == 4_000)

        let banana = try #require(report.providers.first { $0.provider == "banana" })
        #expect(banana.attempts == 4)
        #expect(banana.images == 2)
        #expect(banana.gpuSeconds == 34)
        #expect(banana.costMicros == 9_000)
        let local = try #require(report.providers.first { $0.provider == "local" })
        #expect(local.attempts == 1)
        #expect(local.images == 1)

        #expect(report.userDays.map(\.day) == ["2026-11-01", "2026-11-30", "2026-11-30"])
        #expect(report.userDays.first?.spendMicros == 4_000)
        #expect(report.providerDays.filter { $0.day == "2026-11-30" }.map(\.provider).sorted() == ["banana", "local"])

        let onlyBob = try await ledger.usage(UsageQuery(month: november, userEmail: "1002@EXAMPLE.com"))
        #expect(onlyBob.users.map(\.user) == [LedgerFixtures.bob])
        #expect(onlyBob.providers.map(\.provider) == ["banana"])
        #expect(onlyBob.providers.first?.costMicros == 4_000)

        let decemberReport = try await ledger.usage(UsageQuery(month: UTCMonth(containing: december)))
        #expect(decemberReport.users.map(\.images) == [1])

        let table = report.renderTable()
        #expect(table.contains("Users, 2026-11"))
        #expect(table.contains("1001@example.com"))
        #expect(table.contains("$0.004000"))
        #expect(table.contains("2026-11-30"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"month\":\"2026-11\""))
    }

    /// The per-day usage rows that closes keep up to date equal what the migration builds from the ledger: after
    /// settles with several attempts, a refund after a failed attempt, a released orphan, emails in mixed case and
    /// a job without one.
    @Test func usageRowsKeptByClosesEqualARebuildFromTheLedger() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let day1 = LedgerFixtures.date("2026-11-03T10:00:00Z")
        let day2 = LedgerFixtures.date("2026-11-04T10:00:00Z")
        let carol = UserKey(issuer: "https://accounts.google.com", subject: "1003")

        let old = try await LedgerFixtures.openLedger(folder, owner: LedgerFixtures.owner("old"))
        _ = try await old.reserve(LedgerFixtures.request("orphan", user: carol, now: day1))
        try await old.recordAttempt(
            LedgerFixtures.attempt("banana", .failed, cost: 700, at: day1), jobID: JobID("orphan"))
        await old.close()

        let ledger = try await LedgerFixtures.openLedger(folder)
        #expect(try await ledger.recoverOrphans(now: day1).count == 1)
        func job(
            _ id: String, _ user: UserKey, email: String?, at date: Date, _ attempts: [AttemptRecord],
            refund: Bool = false
        ) async throws {
            var request = LedgerFixtures.request(id, user: user, estimate: 20_000, now: date)
            request.email = email
            _ = try await ledger.reserve(request)
            for attempt in attempts { try await ledger.recordAttempt(attempt, jobID: JobID(id)) }
            if refund {
                _ = try await ledger.refund(jobID: JobID(id), reason: "all providers failed", now: date)
            } else {
                _ = try await ledger.settle(jobID: JobID(id), now: date)
            }
        }
        try await job(
            "c1", carol, email: "Carol@Example.com", at: day1, [LedgerFixtures.attempt(cost: 1_000, at: day1)])
        try await job(
            "c2", carol, email: "carol@example.com", at: day2,
            [
                LedgerFixtures.attempt("banana", .timedOut, cost: 300, at: day2),
                LedgerFixtures.attempt("local", cost: 2_000, paidMilliseconds: 7_000, at: day2),
            ])
        try await job(
            "a1", LedgerFixtures.alice, email: "1001@example.com", at: day2,
            [LedgerFixtures.attempt("banana", .failed, cost: 400, at: day2)], refund: true)
        try await job("n1", LedgerFixtures.bob, email: nil, at: day2, [LedgerFixtures.attempt(cost: 500, at: day2)])
        _ = try await ledger.reserve(LedgerFixtures.request("held", user: carol, now: day2))

        let november = try #require(UTCMonth("2026-11"))
        let queries = [
            UsageQuery(month: november), UsageQuery(month: november, userEmail: "carol@example.com"),
            UsageQuery(month: november, userEmail: ""),
        ]
        var kept: [UsageReport] = []
        for query in queries { kept.append(try await ledger.usage(query)) }

        let carolRow = try #require(kept[0].users.first { $0.user == carol })
        #expect(carolRow.jobs == 3)
        #expect(carolRow.images == 2)
        #expect(carolRow.spendMicros == 3_000)
        #expect(kept[0].providers.first { $0.provider == "banana" }?.attempts == 3)
        #expect(kept[1].users.map(\.jobs) == [2])
        #expect(kept[2].users.isEmpty)

        try await ledger.database.write { connection in
            try connection.run("DELETE FROM usage_user_days")
            try connection.run("DELETE FROM usage_provider_days")
            try connection.execute(GatewaySchema.usageDaysBackfill)
        }
        for (query, report) in zip(queries, kept) {
            #expect(try await ledger.usage(query) == report)
        }
        await ledger.close()
    }

    @Test func dollarsShowAllSixDecimals() {
        #expect(UsageReport.dollars(0) == "$0.000000")
        #expect(UsageReport.dollars(2_600) == "$0.002600")
        #expect(UsageReport.dollars(12_345_678) == "$12.345678")
        #expect(UsageReport.dollars(-1) == "-$0.000001")
    }
}
