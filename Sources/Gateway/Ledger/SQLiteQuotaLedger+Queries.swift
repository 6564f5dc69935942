import Foundation

extension SQLiteQuotaLedger {
    public func reservation(jobID: JobID) async throws -> Reservation? {
        try await database.perform { connection in
            try Self.loadRow(connection, jobID: jobID)?.reservation
        }
    }

    public func attempts(jobID: JobID) async throws -> [AttemptRecord] {
        try await database.perform { connection in
            try Self.loadAttempts(connection, jobID: jobID)
        }
    }

    /// From the user's cached windows when they are for this day and month, else from the database (which then
    /// refills the cache).
    public func remaining(user: UserKey, limits: QuotaLimits, now: Date) async throws -> [QuotaWindowStatus] {
        let seconds = now.unixSeconds
        let (dayStart, monthStart) = (UTCCalendar.dayStart(seconds), UTCCalendar.monthStart(seconds))
        let userKey = user.storageKey
        if let cached = windowCache.entry(user: userKey, dayStart: dayStart, monthStart: monthStart) {
            return statuses(cached, user: userKey, limits: limits, nowSeconds: seconds)
        }
        return try await database.perform { connection in
            let entry = try connection.withTransaction(.deferred) {
                try Self.windowEntry(connection, userKey: userKey, dayStart: dayStart, monthStart: monthStart)
            }
            self.windowCache.store(entry, user: userKey)
            return self.statuses(entry, user: userKey, limits: limits, nowSeconds: seconds)
        }
    }

    func statuses(
        _ entry: UserWindowCache.Entry, user userKey: String, limits: QuotaLimits, nowSeconds: Int64
    ) -> [QuotaWindowStatus] {
        var usage = LedgerRules.WindowUsage(day: entry.day, month: entry.month, heldJobs: entry.heldJobs)
        if limits.requestsPerMinute != nil {
            usage.requestsThisMinute = requestRate.count(user: userKey, minute: UTCCalendar.minuteStart(nowSeconds))
        }
        return LedgerRules.statuses(limits: limits, usage: usage, nowSeconds: nowSeconds)
    }

    /// Everything the cache keeps of one user, read in one transaction.
    static func windowEntry(
        _ connection: SQLiteConnection, userKey: String, dayStart: Int64, monthStart: Int64
    ) throws -> UserWindowCache.Entry {
        func window(_ period: String, _ start: Int64) throws -> (images: Int64, spend: Int64) {
            try connection.queryFirst(
                "SELECT images, spend_micros FROM quota_windows WHERE user_key = ?1 AND period = ?2 AND period_start = ?3",
                [.text(userKey), .text(period), .integer(start)]
            ) { ($0.int64(0), $0.int64(1)) } ?? (0, 0)
        }
        let held =
            try connection.queryFirst(
                "SELECT count(*) FROM reservations WHERE user_key = ?1 AND state = 'held'", [.text(userKey)]
            ) { $0.int64(0) } ?? 0
        return UserWindowCache.Entry(
            dayStart: dayStart, monthStart: monthStart, day: try window("day", dayStart),
            month: try window("month", monthStart), heldJobs: held)
    }

    public func providerCost(provider: String, since start: Date) async throws -> Int64 {
        try await database.perform { connection in
            try connection.queryFirst(
                "SELECT coalesce(sum(cost_micros), 0) FROM attempts WHERE provider = ?1 AND started_ms >= ?2",
                [.text(provider), .integer(Int64((start.timeIntervalSince1970 * 1000).rounded(.down)))]
            ) { $0.int64(0) } ?? 0
        }
    }

    public func usage(_ query: UsageQuery) async throws -> UsageReport {
        try await reports.perform { connection in
            try connection.withTransaction(.deferred) {
                let bindings: [SQLiteValue] = [.integer(query.month.startSeconds), .text(query.userEmail)]
                return UsageReport(
                    month: query.month, userEmail: query.userEmail,
                    users: try Self.userUsage(connection, bindings, byDay: false),
                    providers: try Self.providerUsage(connection, bindings, byDay: false),
                    userDays: try Self.userUsage(connection, bindings, byDay: true),
                    providerDays: try Self.providerUsage(connection, bindings, byDay: true))
            }
        }
    }

    /// The month's (`?1`) usage rows of one email (`?2`, any case) or of all when NULL; '' marks jobs without one.
    private static let monthFilter = """
        month_start = ?1 AND (?2 IS NULL OR (user_email != '' AND lower(user_email) = lower(?2)))
        """

    private static func userUsage(
        _ connection: SQLiteConnection, _ bindings: [SQLiteValue], byDay: Bool
    ) throws -> [UsageReport.UserUsage] {
        let dayColumn = byDay ? "day_start" : "NULL"
        return try connection.query(
            """
            SELECT \(dayColumn), user_key, max(nullif(user_email, '')), sum(jobs), sum(images), sum(paid_ms),
                sum(charged_micros)
            FROM usage_user_days WHERE \(monthFilter)
            GROUP BY 1, user_key ORDER BY 1, sum(charged_micros) DESC, user_key
            """, bindings
        ) { statement in
            UsageReport.UserUsage(
                day: statement.optionalInt64(0).map(UTCCalendar.dayText), user: UserKey(storageKey: statement.text(1)),
                email: statement.optionalText(2), jobs: statement.int64(3), images: statement.int64(4),
                gpuSeconds: Double(statement.int64(5)) / 1000, spendMicros: statement.int64(6))
        }
    }

    private static func providerUsage(
        _ connection: SQLiteConnection, _ bindings: [SQLiteValue], byDay: Bool
    ) throws -> [UsageReport.ProviderUsage] {
        let dayColumn = byDay ? "day_start" : "NULL"
        return try connection.query(
            """
            SELECT \(dayColumn), provider, sum(attempts), sum(images), sum(paid_ms), sum(cost_micros)
            FROM usage_provider_days WHERE \(monthFilter)
            GROUP BY 1, provider ORDER BY 1, sum(cost_micros) DESC, provider
            """, bindings
        ) { statement in
            UsageReport.ProviderUsage(
                day: statement.optionalInt64(0).map(UTCCalendar.dayText), provider: statement.text(1),
                attempts: statement.int64(2), images: statement.int64(3),
                gpuSeconds: Double(statement.int64(4)) / 1000, costMicros: statement.int64(5))
        }
    }
}
