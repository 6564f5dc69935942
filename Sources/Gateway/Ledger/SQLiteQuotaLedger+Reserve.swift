import Foundation

extension SQLiteQuotaLedger {
    public func reserve(_ request: ReservationRequest) async throws -> ReservationOutcome {
        try LedgerRules.validate(request)
        return try await database.write { connection in
            let now = request.now.unixMilliseconds
            let minute = UTCCalendar.minuteStart(UTCCalendar.floorDivide(now, 1000))
            let outcome = try self.reserveInTransaction(
                connection, request: request, nowMilliseconds: now)
            if case .admitted = outcome {
                // Counted at once, so the next write of the same group sees it; a failed commit of the group
                // overcounts the minute by its reservations, the safe side.
                self.requestRate.record(user: request.user.storageKey, minute: minute)
            }
            return outcome
        }
    }

    private func reserveInTransaction(
        _ connection: SQLiteConnection, request: ReservationRequest, nowMilliseconds: Int64
    ) throws -> ReservationOutcome {
        let userKey = request.user.storageKey
        if let idempotency = request.idempotency,
            let existing = try connection.queryFirst(
                "SELECT \(Self.reservationColumns) FROM reservations WHERE user_key = ?1 AND idempotency_key = ?2",
                [.text(userKey), .text(idempotency.key)], row: Self.decodeRow)
        {
            guard existing.requestHash == idempotency.requestHash else {
                throw LedgerError.idempotencyConflict(key: idempotency.key)
            }
            return .duplicate(existing.reservation)
        }
        if try connection.queryFirst(
            "SELECT 1 FROM reservations WHERE job_id = ?1", [.text(request.jobID.rawValue)], row: { _ in true }) != nil
        {
            throw LedgerError.duplicateJob(request.jobID)
        }
        let nowSeconds = UTCCalendar.floorDivide(nowMilliseconds, 1000)
        let dayStart = UTCCalendar.dayStart(nowSeconds)
        let monthStart = UTCCalendar.monthStart(nowSeconds)
        if let denial = try denial(
            connection, request: request, nowSeconds: nowSeconds, dayStart: dayStart, monthStart: monthStart)
        {
            return .denied(denial)
        }
        try connection.run(
            """
            INSERT INTO reservations (
                job_id, user_key, user_email, state, estimate_micros, charges_failed_attempts, idempotency_key,
                request_hash, owner_instance, owner_started_ms, reserved_ms, day_start, month_start)
            VALUES (?1, ?2, ?3, 'held', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """,
            [
                .text(request.jobID.rawValue), .text(userKey), .text(request.email),
                .integer(request.estimateMicros), .bool(request.chargesFailedAttempts),
                .text(request.idempotency?.key), .text(request.idempotency?.requestHash),
                .text(owner.instanceID), .integer(owner.processStartedAt.unixMilliseconds),
                .integer(nowMilliseconds), .integer(dayStart), .integer(monthStart),
            ])
        try adjustWindows(
            connection, userKey: userKey, dayStart: dayStart, monthStart: monthStart, images: 1,
            spendMicros: request.estimateMicros)
        let reservation = Reservation(
            jobID: request.jobID, user: request.user, email: request.email, state: .held,
            estimateMicros: request.estimateMicros, chargedMicros: 0, producedImage: false,
            chargesFailedAttempts: request.chargesFailedAttempts, idempotencyKey: request.idempotency?.key,
            owner: owner, reservedAt: Date(unixMilliseconds: nowMilliseconds), closedAt: nil, closeReason: nil)
        return .admitted(reservation)
    }

    /// The window that refuses the request, if any. When several do, the one that resets last is named (the broader
    /// one on a tie), so a client that waits for `Retry-After` does not hit another at once.
    private func denial(
        _ connection: SQLiteConnection, request: ReservationRequest, nowSeconds: Int64, dayStart: Int64,
        monthStart: Int64
    ) throws -> QuotaDenial? {
        let statuses = try windowStatuses(
            connection, user: request.user, limits: request.limits, nowSeconds: nowSeconds, dayStart: dayStart,
            monthStart: monthStart)
        return LedgerRules.denial(statuses, estimateMicros: request.estimateMicros)
    }

    /// Used and left in each limited window, read inside the caller's transaction.
    func windowStatuses(
        _ connection: SQLiteConnection, user: UserKey, limits: QuotaLimits, nowSeconds: Int64, dayStart: Int64,
        monthStart: Int64
    ) throws -> [QuotaWindowStatus] {
        let entry = try Self.windowEntry(
            connection, userKey: user.storageKey, dayStart: dayStart, monthStart: monthStart)
        return statuses(entry, user: user.storageKey, limits: limits, nowSeconds: nowSeconds)
    }
}
