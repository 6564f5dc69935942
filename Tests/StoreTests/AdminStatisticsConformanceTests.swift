import Foundation
import Testing

@testable import Gateway

/// What the ops dashboard and the page's history read, run unchanged against SQLite and PostgreSQL.
@Suite struct AdminStatisticsConformanceTests {
    let now = Fixtures.date("2026-11-29T12:00:00Z")

    @Test(arguments: StoreKind.allCases) func providerStatisticsCountOutcomesAndFailovers(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let ledger = store.ledger
        _ = try await ledger.reserve(Fixtures.request("s-1", now: now))
        try await ledger.recordAttempt(Fixtures.attempt("remote", .timedOut, cost: 0, at: now), jobID: JobID("s-1"))
        _ = try await ledger.settle(
            jobID: JobID("s-1"), finalAttempt: Fixtures.attempt("local", cost: 500, at: now), now: now)
        _ = try await ledger.reserve(Fixtures.request("s-2", user: Fixtures.bob, now: now.addingTimeInterval(60)))
        _ = try await ledger.settle(
            jobID: JobID("s-2"), finalAttempt: Fixtures.attempt("remote", cost: 900, at: now.addingTimeInterval(60)),
            now: now.addingTimeInterval(60))

        let statistics = try await store.statistics.providerStatistics(since: now.addingTimeInterval(-3600))
        #expect(statistics.map(\.provider) == ["local", "remote"])
        let remote = try #require(statistics.last)
        #expect(remote.attempts == 2)
        #expect(remote.succeeded == 1)
        #expect(remote.timedOut == 1)
        #expect(remote.failovers == 1)
        #expect(statistics.first?.failovers == 0)
        #expect(try await store.statistics.providerStatistics(since: now.addingTimeInterval(3600)).isEmpty)

        #expect(try await store.statistics.latestUser(email: "1002@EXAMPLE.com") == Fixtures.bob)
        #expect(try await store.statistics.latestUser(email: "nobody@example.com") == nil)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func aUsersHistoryIsTheirOwnNewestFirst(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        for (index, user) in [Fixtures.alice, Fixtures.bob, Fixtures.alice, Fixtures.alice].enumerated() {
            try await store.jobs.insert(Fixtures.job("h-\(index)", user: user, at: now.addingTimeInterval(Double(index))))
        }
        let mine = try await store.jobs.jobs(user: Fixtures.alice, limit: 2)
        #expect(mine.map(\.id.rawValue) == ["h-3", "h-2"])
        #expect(try await store.jobs.jobs(user: Fixtures.bob, limit: 10).map(\.id.rawValue) == ["h-1"])
        await store.close()
    }
}
