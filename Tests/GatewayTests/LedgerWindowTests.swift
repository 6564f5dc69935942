import Foundation
import Testing

@testable import Gateway

/// Day, month and minute windows follow the UTC calendar, moved by a manual clock.
@Suite struct LedgerWindowTests {
    @Test func lastSecondOfADayAndFirstOfTheNextAreDifferentDays() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let clock = ManualClock(LedgerFixtures.date("2026-11-29T23:59:59Z"))
        let limits = QuotaLimits(imagesPerDay: 1)

        #expect(try await ledger.reserve(LedgerFixtures.request("a", limits: limits, now: clock.now)).admitted != nil)
        let denial = try await ledger.reserve(LedgerFixtures.request("b", limits: limits, now: clock.now)).denial
        #expect(denial?.window == .imagesPerDay)
        #expect(denial?.resetsAt == LedgerFixtures.date("2026-11-30T00:00:00Z"))
        #expect(denial?.retryAfterSeconds(now: clock.now) == 1)

        clock.advance(seconds: 1)
        #expect(try await ledger.reserve(LedgerFixtures.request("c", limits: limits, now: clock.now)).admitted != nil)
    }

    @Test func monthRollsOverAtMidnightUTCOnTheFirst() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let clock = ManualClock(LedgerFixtures.date("2026-12-31T23:59:59Z"))
        let limits = QuotaLimits(imagesPerMonth: 2)

        for job in ["a", "b"] {
            #expect(
                try await ledger.reserve(LedgerFixtures.request(job, limits: limits, now: clock.now)).admitted != nil)
        }
        let denial = try await ledger.reserve(LedgerFixtures.request("c", limits: limits, now: clock.now)).denial
        #expect(denial?.window == .imagesPerMonth)
        #expect(denial?.resetsAt == LedgerFixtures.date("2027-01-01T00:00:00Z"))

        clock.advance(seconds: 1)
        #expect(try await ledger.reserve(LedgerFixtures.request("d", limits: limits, now: clock.now)).admitted != nil)
        let status = try await ledger.remaining(user: LedgerFixtures.alice, limits: limits, now: clock.now)
        #expect(
            status == [
                QuotaWindowStatus(
                    window: .imagesPerMonth, limit: 2, used: 1, resetsAt: LedgerFixtures.date("2027-02-01T00:00:00Z"))
            ])
    }

    @Test func leapDayIsItsOwnDayInFebruary() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let clock = ManualClock(LedgerFixtures.date("2028-02-28T23:59:59Z"))
        let limits = QuotaLimits(imagesPerDay: 1, imagesPerMonth: 2)

        #expect(
            try await ledger.reserve(LedgerFixtures.request("feb28", limits: limits, now: clock.now)).admitted != nil)
        clock.advance(seconds: 1)
        #expect(clock.now == LedgerFixtures.date("2028-02-29T00:00:00Z"))
        #expect(
            try await ledger.reserve(LedgerFixtures.request("feb29", limits: limits, now: clock.now)).admitted != nil)

        clock.set(LedgerFixtures.date("2028-02-29T23:59:59Z"))
        let denial = try await ledger.reserve(LedgerFixtures.request("late", limits: limits, now: clock.now)).denial
        // Both the day and the month are full and both reset at midnight: the broader window is named.
        #expect(denial?.window == .imagesPerMonth)
        #expect(denial?.resetsAt == LedgerFixtures.date("2028-03-01T00:00:00Z"))

        clock.advance(seconds: 1)
        #expect(
            try await ledger.reserve(LedgerFixtures.request("mar1", limits: limits, now: clock.now)).admitted != nil)
    }

    @Test func minuteWindowCountsAdmittedRequestsOnly() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let clock = ManualClock(LedgerFixtures.date("2026-11-29T10:15:30Z"))
        let limits = QuotaLimits(requestsPerMinute: 2, imagesPerDay: 3)

        for job in ["a", "b"] {
            #expect(
                try await ledger.reserve(LedgerFixtures.request(job, limits: limits, now: clock.now)).admitted != nil)
        }
        let denial = try await ledger.reserve(LedgerFixtures.request("c", limits: limits, now: clock.now)).denial
        #expect(denial?.window == .requestsPerMinute)
        #expect(denial?.resetsAt == LedgerFixtures.date("2026-11-29T10:16:00Z"))
        #expect(denial?.retryAfterSeconds(now: clock.now) == 30)

        clock.advance(seconds: 30)
        #expect(try await ledger.reserve(LedgerFixtures.request("d", limits: limits, now: clock.now)).admitted != nil)
        // The day window (3) is now full too: a denial in the same minute names the day, which resets later.
        #expect(
            try await ledger.reserve(LedgerFixtures.request("e", limits: limits, now: clock.now)).denial?.window
                == .imagesPerDay)
    }

    @Test func zeroMeansNoneAndNilMeansUnlimited() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await LedgerFixtures.openLedger(folder)
        let now = LedgerFixtures.date("2026-11-29T10:00:00Z")
        let none = try await ledger.reserve(
            LedgerFixtures.request("none", limits: QuotaLimits(imagesPerDay: 0), now: now))
        #expect(none.denial?.window == .imagesPerDay)
        #expect(none.denial?.limit == 0)
        for index in 0..<50 {
            #expect(try await ledger.reserve(LedgerFixtures.request("free-\(index)", now: now)).admitted != nil)
        }
        #expect(try await ledger.remaining(user: LedgerFixtures.alice, limits: QuotaLimits(), now: now).isEmpty)
    }

    @Test func calendarArithmeticMatchesFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var seconds: Int64 = -86_400 * 400
        while seconds < 86_400 * 365 * 80 {
            let date = Date(timeIntervalSince1970: Double(seconds))
            let month = calendar.dateInterval(of: .month, for: date)!
            #expect(UTCCalendar.monthStart(seconds) == Int64(month.start.timeIntervalSince1970))
            #expect(UTCCalendar.nextMonthStart(seconds) == Int64(month.end.timeIntervalSince1970))
            seconds += 86_400 * 13 + 3_607
        }
        #expect(UTCCalendar.dayText(LedgerFixtures.date("2028-02-29T12:00:00Z").unixSeconds) == "2028-02-29")
        #expect(UTCMonth("2028-02")?.description == "2028-02")
        #expect(UTCMonth("2028-13") == nil)
        #expect(UTCMonth("28-02") == nil)
        #expect(UTCMonth("2028-2x") == nil)
    }
}
