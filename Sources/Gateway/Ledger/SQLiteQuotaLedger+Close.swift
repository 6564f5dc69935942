import Foundation

extension SQLiteQuotaLedger {
    public func recordAttempt(_ attempt: AttemptRecord, jobID: JobID) async throws {
        try LedgerRules.validate(attempt)
        try await database.write { connection in
            _ = try Self.heldRow(connection, jobID: jobID)
            _ = try Self.append(attempt, to: Self.loadAttempts(connection, jobID: jobID), jobID: jobID, connection)
        }
    }

    public func settle(jobID: JobID, finalAttempt: AttemptRecord?, now: Date) async throws -> Reservation {
        if let finalAttempt { try LedgerRules.validate(finalAttempt) }
        return try await database.write { connection in
            let row = try Self.heldRow(connection, jobID: jobID)
            var attempts = try Self.loadAttempts(connection, jobID: jobID)
            if let finalAttempt {
                attempts = try Self.append(finalAttempt, to: attempts, jobID: jobID, connection)
            }
            return try self.close(
                connection, row: row, state: .settled, attempts: attempts, reason: "settled", now: now)
        }
    }

    public func refund(jobID: JobID, reason: String, now: Date) async throws -> Reservation {
        try LedgerRules.checkText(reason, "refund reason", maximumLength: 1000)
        return try await database.write { connection in
            let row = try Self.heldRow(connection, jobID: jobID)
            let attempts = try Self.loadAttempts(connection, jobID: jobID)
            if attempts.contains(where: { $0.outcome == .succeeded }) {
                throw LedgerError.jobProducedImage(jobID)
            }
            return try self.close(
                connection, row: row, state: .refunded, attempts: attempts, charging: [], reason: reason, now: now)
        }
    }

    public func recoverOrphans(now: Date) async throws -> [Reservation] {
        let owner = self.owner
        return try await database.write { connection in
            let orphans = try connection.query(
                """
                SELECT \(Self.reservationColumns) FROM reservations
                WHERE state = 'held' AND NOT (owner_instance = ?1 AND owner_started_ms = ?2)
                """,
                [.text(owner.instanceID), .integer(owner.processStartedAt.unixMilliseconds)],
                row: Self.decodeRow)
            return try orphans.map { row in
                let attempts = try Self.loadAttempts(connection, jobID: row.reservation.jobID)
                return try self.close(
                    connection, row: row, state: .released, attempts: attempts,
                    reason: "released after its process (\(row.reservation.owner.instanceID)) stopped", now: now)
            }
        }
    }

    /// Closes a held reservation: the charge is the successful attempt's cost, plus the failed attempts' cost when
    /// the tier passes it on; the day and month windows trade the estimate for the charge, and the day's usage rows
    /// add the job and its `attempts`. `charging` is what the charge is computed from (all attempts, or none for a
    /// refund).
    private func close(
        _ connection: SQLiteConnection, row: Row, state: Reservation.State, attempts: [AttemptRecord],
        charging: [AttemptRecord]? = nil, reason: String, now: Date
    ) throws -> Reservation {
        var reservation = row.reservation
        let (charge, producedImage) = LedgerRules.charge(
            attempts: charging ?? attempts, chargesFailedAttempts: reservation.chargesFailedAttempts)
        reservation.state = state
        reservation.chargedMicros = charge
        reservation.producedImage = producedImage
        reservation.closedAt = Date(unixMilliseconds: now.unixMilliseconds)
        reservation.closeReason = reason
        try connection.run(
            """
            UPDATE reservations SET state = ?2, charged_micros = ?3, produced_image = ?4, closed_ms = ?5,
                close_reason = ?6
            WHERE job_id = ?1 AND state = 'held'
            """,
            [
                .text(reservation.jobID.rawValue), .text(state.rawValue), .integer(charge),
                .bool(reservation.producedImage), .integer(now.unixMilliseconds), .text(reason),
            ])
        try adjustWindows(
            connection, userKey: reservation.user.storageKey, dayStart: row.dayStart, monthStart: row.monthStart,
            images: reservation.producedImage ? 0 : -1, spendMicros: charge - reservation.estimateMicros)
        try Self.addUsage(connection, reservation, row: row, attempts: attempts)
        return reservation
    }

    /// Adds a closed job to its day's usage rows (`usage_user_days`, `usage_provider_days`).
    private static func addUsage(
        _ connection: SQLiteConnection, _ reservation: Reservation, row: Row, attempts: [AttemptRecord]
    ) throws {
        let (month, day, email) = (
            SQLiteValue.integer(row.monthStart), SQLiteValue.integer(row.dayStart),
            SQLiteValue.text(reservation.email ?? "")
        )
        try connection.run(
            """
            INSERT INTO usage_user_days (
                month_start, day_start, user_key, user_email, jobs, images, paid_ms, charged_micros)
            VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)
            ON CONFLICT (month_start, user_key, day_start, user_email) DO UPDATE SET
                jobs = jobs + 1, images = images + excluded.images, paid_ms = paid_ms + excluded.paid_ms,
                charged_micros = charged_micros + excluded.charged_micros
            """,
            [
                month, day, .text(reservation.user.storageKey), email, .bool(reservation.producedImage),
                .integer(attempts.reduce(0) { $0 + $1.paidMilliseconds }), .integer(reservation.chargedMicros),
            ])
        for attempt in attempts {
            try connection.run(
                """
                INSERT INTO usage_provider_days (
                    month_start, day_start, provider, user_email, attempts, images, paid_ms, cost_micros)
                VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)
                ON CONFLICT (month_start, provider, day_start, user_email) DO UPDATE SET
                    attempts = attempts + 1, images = images + excluded.images, paid_ms = paid_ms + excluded.paid_ms,
                    cost_micros = cost_micros + excluded.cost_micros
                """,
                [
                    month, day, .text(attempt.provider), email, .bool(attempt.outcome == .succeeded),
                    .integer(attempt.paidMilliseconds), .integer(attempt.costMicros),
                ])
        }
    }

    /// Appends an attempt to a held job's `attempts` and returns them all; a second successful one is refused.
    private static func append(
        _ attempt: AttemptRecord, to attempts: [AttemptRecord], jobID: JobID, _ connection: SQLiteConnection
    ) throws -> [AttemptRecord] {
        if attempt.outcome == .succeeded, attempts.contains(where: { $0.outcome == .succeeded }) {
            throw LedgerError.secondSuccess(jobID)
        }
        try connection.run(
            """
            INSERT INTO attempts (
                job_id, attempt, provider, outcome, started_ms, duration_ms, paid_ms, cost_micros, detail)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """,
            [
                .text(jobID.rawValue), .integer(Int64(attempts.count + 1)), .text(attempt.provider),
                .text(attempt.outcome.rawValue), .integer(attempt.startedAt.unixMilliseconds),
                .integer(attempt.durationMilliseconds), .integer(attempt.paidMilliseconds),
                .integer(attempt.costMicros), .text(attempt.detail.map { String($0.prefix(1000)) }),
            ])
        return attempts + [attempt]
    }

    private static func heldRow(_ connection: SQLiteConnection, jobID: JobID) throws -> Row {
        guard let row = try loadRow(connection, jobID: jobID) else {
            throw LedgerError.unknownJob(jobID)
        }
        guard row.reservation.state == .held else {
            throw LedgerError.jobNotHeld(jobID, state: row.reservation.state)
        }
        return row
    }

    static func loadAttempts(_ connection: SQLiteConnection, jobID: JobID) throws -> [AttemptRecord] {
        try connection.query(
            """
            SELECT provider, outcome, started_ms, duration_ms, paid_ms, cost_micros, detail
            FROM attempts WHERE job_id = ?1 ORDER BY attempt
            """,
            [.text(jobID.rawValue)]
        ) { statement in
            AttemptRecord(
                provider: statement.text(0),
                outcome: AttemptRecord.Outcome(rawValue: statement.text(1)) ?? .failed,
                startedAt: Date(unixMilliseconds: statement.int64(2)),
                durationMilliseconds: statement.int64(3), paidMilliseconds: statement.int64(4),
                costMicros: statement.int64(5), detail: statement.optionalText(6))
        }
    }
}
