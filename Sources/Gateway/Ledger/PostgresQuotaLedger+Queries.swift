#if GATEWAY_POSTGRES
import Foundation
import Logging
import PostgresNIO

extension PostgresQuotaLedger {
    public func reservation(jobID: JobID) async throws -> Reservation? {
        try await database.perform { connection in
            try await Self.loadRow(connection, jobID: jobID, logger: self.logger)?.reservation
        }
    }

    public func attempts(jobID: JobID) async throws -> [AttemptRecord] {
        try await database.perform { connection in
            try await self.loadAttempts(connection, jobID: jobID)
        }
    }

    public func remaining(user: UserKey, limits: QuotaLimits, now: Date) async throws -> [QuotaWindowStatus] {
        let seconds = now.unixSeconds
        return try await database.transaction { connection in
            try await self.windowStatuses(
                connection, user: user, limits: limits, nowSeconds: seconds,
                minute: UTCCalendar.minuteStart(seconds), dayStart: UTCCalendar.dayStart(seconds),
                monthStart: UTCCalendar.monthStart(seconds))
        }
    }

    public func providerCost(provider: String, since start: Date) async throws -> Int64 {
        let startMilliseconds = Int64((start.timeIntervalSince1970 * 1000).rounded(.down))
        return try await database.perform { [logger] connection in
            try await connection.firstRow(
                """
                SELECT coalesce(sum(cost_micros), 0)::BIGINT FROM attempts
                WHERE provider = \(provider) AND started_ms >= \(startMilliseconds)
                """, logger: logger
            )?.value(0, as: Int64.self) ?? 0
        }
    }

    public func usage(_ query: UsageQuery) async throws -> UsageReport {
        try await database.transaction { connection in
            UsageReport(
                month: query.month, userEmail: query.userEmail,
                users: try await self.userUsage(connection, query, byDay: false),
                providers: try await self.providerUsage(connection, query, byDay: false),
                userDays: try await self.userUsage(connection, query, byDay: true),
                providerDays: try await self.providerUsage(connection, query, byDay: true))
        }
    }

    private func userUsage(
        _ connection: PostgresConnection, _ query: UsageQuery, byDay: Bool
    ) async throws -> [UsageReport.UserUsage] {
        let dayColumn = byDay ? "r.day_start" : "NULL::BIGINT"
        return try await connection.rows(
            """
            SELECT \(unescaped: dayColumn), r.user_key, max(r.user_email), count(*),
                count(*) FILTER (WHERE r.produced_image),
                coalesce(sum((SELECT sum(a.paid_ms) FROM attempts a WHERE a.job_id = r.job_id)), 0)::BIGINT,
                sum(r.charged_micros)::BIGINT
            FROM reservations r
            WHERE r.month_start = \(query.month.startSeconds) AND r.state != 'held'
                AND (\(query.userEmail)::TEXT IS NULL OR lower(r.user_email) = lower(\(query.userEmail)))
            GROUP BY 1, r.user_key ORDER BY 1, sum(r.charged_micros) DESC, r.user_key
            """, logger: logger
        ).map { row in
            UsageReport.UserUsage(
                day: try row.value(0, as: Int64?.self).map(UTCCalendar.dayText),
                user: UserKey(storageKey: try row.value(1)), email: try row.value(2), jobs: try row.value(3),
                images: try row.value(4), gpuSeconds: Double(try row.value(5, as: Int64.self)) / 1000,
                spendMicros: try row.value(6))
        }
    }

    private func providerUsage(
        _ connection: PostgresConnection, _ query: UsageQuery, byDay: Bool
    ) async throws -> [UsageReport.ProviderUsage] {
        let dayColumn = byDay ? "r.day_start" : "NULL::BIGINT"
        return try await connection.rows(
            """
            SELECT \(unescaped: dayColumn), a.provider, count(*), count(*) FILTER (WHERE a.outcome = 'succeeded'),
                sum(a.paid_ms)::BIGINT, sum(a.cost_micros)::BIGINT
            FROM attempts a JOIN reservations r ON r.job_id = a.job_id
            WHERE r.month_start = \(query.month.startSeconds) AND r.state != 'held'
                AND (\(query.userEmail)::TEXT IS NULL OR lower(r.user_email) = lower(\(query.userEmail)))
            GROUP BY 1, a.provider ORDER BY 1, sum(a.cost_micros) DESC, a.provider
            """, logger: logger
        ).map { row in
            UsageReport.ProviderUsage(
                day: try row.value(0, as: Int64?.self).map(UTCCalendar.dayText), provider: try row.value(1),
                attempts: try row.value(2), images: try row.value(3),
                gpuSeconds: Double(try row.value(4, as: Int64.self)) / 1000, costMicros: try row.value(5))
        }
    }
}
#endif
