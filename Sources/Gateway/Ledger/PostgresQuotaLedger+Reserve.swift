#if GATEWAY_POSTGRES
import Foundation
import Logging
import PostgresNIO

extension PostgresQuotaLedger {
    public func reserve(_ request: ReservationRequest) async throws -> ReservationOutcome {
        try LedgerRules.validate(request)
        let now = request.now.unixMilliseconds
        let minute = UTCCalendar.minuteStart(UTCCalendar.floorDivide(now, 1000))
        let outcome = try await database.transaction { connection in
            try await self.reserveInTransaction(connection, request: request, nowMilliseconds: now, minute: minute)
        }
        if case .admitted = outcome {
            // The minute window is this instance's own: a limit of R admits at most R per instance.
            requestRate.record(user: request.user.storageKey, minute: minute)
        }
        return outcome
    }

    private func reserveInTransaction(
        _ connection: PostgresConnection, request: ReservationRequest, nowMilliseconds: Int64, minute: Int64
    ) async throws -> ReservationOutcome {
        let userKey = request.user.storageKey
        try await Self.lockUser(connection, userKey: userKey, logger: logger)
        if let idempotency = request.idempotency,
            let existing = try await connection.firstRow(
                """
                SELECT \(unescaped: Self.reservationColumns) FROM reservations
                WHERE user_key = \(userKey) AND idempotency_key = \(idempotency.key)
                """, logger: logger
            ).map(Self.decodeRow)
        {
            guard existing.requestHash == idempotency.requestHash else {
                throw LedgerError.idempotencyConflict(key: idempotency.key)
            }
            return .duplicate(existing.reservation)
        }
        if try await connection.firstRow(
            "SELECT 1 FROM reservations WHERE job_id = \(request.jobID.rawValue)", logger: logger) != nil
        {
            throw LedgerError.duplicateJob(request.jobID)
        }
        let nowSeconds = UTCCalendar.floorDivide(nowMilliseconds, 1000)
        let dayStart = UTCCalendar.dayStart(nowSeconds)
        let monthStart = UTCCalendar.monthStart(nowSeconds)
        let statuses = try await windowStatuses(
            connection, user: request.user, limits: request.limits, nowSeconds: nowSeconds, minute: minute,
            dayStart: dayStart, monthStart: monthStart)
        if let denial = LedgerRules.denial(statuses, estimateMicros: request.estimateMicros) {
            return .denied(denial)
        }
        try await connection.query(
            """
            INSERT INTO reservations (
                job_id, user_key, user_email, state, estimate_micros, charges_failed_attempts, idempotency_key,
                request_hash, owner_instance, owner_started_ms, reserved_ms, day_start, month_start)
            VALUES (
                \(request.jobID.rawValue), \(userKey), \(request.email), 'held', \(request.estimateMicros),
                \(request.chargesFailedAttempts), \(request.idempotency?.key), \(request.idempotency?.requestHash),
                \(owner.instanceID), \(owner.processStartedAt.unixMilliseconds), \(nowMilliseconds), \(dayStart),
                \(monthStart))
            """, logger: logger)
        try await Self.adjustWindows(
            connection, userKey: userKey, dayStart: dayStart, monthStart: monthStart, images: 1,
            spendMicros: request.estimateMicros, logger: logger)
        return .admitted(
            Reservation(
                jobID: request.jobID, user: request.user, email: request.email, state: .held,
                estimateMicros: request.estimateMicros, chargedMicros: 0, producedImage: false,
                chargesFailedAttempts: request.chargesFailedAttempts, idempotencyKey: request.idempotency?.key,
                owner: owner, reservedAt: Date(unixMilliseconds: nowMilliseconds), closedAt: nil, closeReason: nil))
    }

    /// Used and left in each limited window, read inside the caller's transaction.
    func windowStatuses(
        _ connection: PostgresConnection, user: UserKey, limits: QuotaLimits, nowSeconds: Int64, minute: Int64,
        dayStart: Int64, monthStart: Int64
    ) async throws -> [QuotaWindowStatus] {
        let userKey = user.storageKey
        var usage = LedgerRules.WindowUsage()
        for row in try await connection.rows(
            """
            SELECT period, images, spend_micros FROM quota_windows
            WHERE user_key = \(userKey) AND ((period = 'day' AND period_start = \(dayStart))
                OR (period = 'month' AND period_start = \(monthStart)))
            """, logger: logger)
        {
            let counts = (images: try row.value(1, as: Int64.self), spend: try row.value(2, as: Int64.self))
            if try row.value(0, as: String.self) == "day" { usage.day = counts } else { usage.month = counts }
        }
        if limits.requestsPerMinute != nil {
            usage.requestsThisMinute = requestRate.count(user: userKey, minute: minute)
        }
        if limits.maxConcurrentJobs != nil {
            usage.heldJobs =
                try await connection.firstRow(
                    "SELECT count(*) FROM reservations WHERE user_key = \(userKey) AND state = 'held'",
                    logger: logger
                )?.value(0, as: Int64.self) ?? 0
        }
        return LedgerRules.statuses(limits: limits, usage: usage, nowSeconds: nowSeconds)
    }
}
#endif
