#if GATEWAY_POSTGRES
import Foundation
import Logging
import PostgresNIO

extension PostgresQuotaLedger {
    public func recordAttempt(_ attempt: AttemptRecord, jobID: JobID) async throws {
        try LedgerRules.validate(attempt)
        try await database.transaction { connection in
            guard let row = try await Self.loadRow(connection, jobID: jobID, forUpdate: true, logger: self.logger)
            else {
                throw LedgerError.unknownJob(jobID)
            }
            guard row.reservation.state == .held else {
                throw LedgerError.jobNotHeld(jobID, state: row.reservation.state)
            }
            let attempts = try await self.loadAttempts(connection, jobID: jobID)
            _ = try await self.append(attempt, to: attempts, jobID: jobID, connection)
        }
    }

    public func settle(jobID: JobID, finalAttempt: AttemptRecord?, now: Date) async throws -> Reservation {
        if let finalAttempt { try LedgerRules.validate(finalAttempt) }
        return try await database.transaction { connection in
            let row = try await self.lockHeld(connection, jobID: jobID)
            var attempts = try await self.loadAttempts(connection, jobID: jobID)
            if let finalAttempt {
                attempts = try await self.append(finalAttempt, to: attempts, jobID: jobID, connection)
            }
            return try await self.close(
                connection, row: row, state: .settled, attempts: attempts, reason: "settled", now: now)
        }
    }

    public func refund(jobID: JobID, reason: String, now: Date) async throws -> Reservation {
        try LedgerRules.checkText(reason, "refund reason", maximumLength: 1000)
        return try await database.transaction { connection in
            let row = try await self.lockHeld(connection, jobID: jobID)
            let attempts = try await self.loadAttempts(connection, jobID: jobID)
            if attempts.contains(where: { $0.outcome == .succeeded }) {
                throw LedgerError.jobProducedImage(jobID)
            }
            return try await self.close(
                connection, row: row, state: .refunded, attempts: [], reason: reason, now: now)
        }
    }

    /// Releases the held reservations of processes whose lease expired (no heartbeat for `lease`, by the database's
    /// clock), each in its own transaction, settling what they recorded; returns them. Any instance may run it; a
    /// reservation is released once, by whichever gets its lock first.
    public func recoverOrphans(now: Date) async throws -> [Reservation] {
        let leaseSeconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let owner = self.owner
        let candidates = try await database.transaction { [logger] connection -> [JobID] in
            try await connection.query(
                """
                DELETE FROM gateway_instances
                WHERE heartbeat_at < clock_timestamp() - make_interval(secs => \(leaseSeconds))
                    AND NOT (instance_id = \(owner.instanceID) AND started_ms = \(owner.processStartedAt.unixMilliseconds))
                """, logger: logger)
            return try await connection.rows(
                """
                SELECT r.job_id FROM reservations r
                WHERE r.state = 'held' AND NOT EXISTS (
                    SELECT 1 FROM gateway_instances i
                    WHERE i.instance_id = r.owner_instance AND i.started_ms = r.owner_started_ms)
                """, logger: logger
            ).map { JobID(try $0.value(0, as: String.self)) }
        }
        var released: [Reservation] = []
        for jobID in candidates {
            if let reservation = try await releaseIfOrphaned(jobID, now: now) { released.append(reservation) }
        }
        return released
    }

    private func releaseIfOrphaned(_ jobID: JobID, now: Date) async throws -> Reservation? {
        try await database.transaction { connection -> Reservation? in
            guard let row = try await self.lockHeldIfAny(connection, jobID: jobID) else { return nil }
            let owner = row.reservation.owner
            let alive = try await connection.firstRow(
                """
                SELECT 1 FROM gateway_instances
                WHERE instance_id = \(owner.instanceID) AND started_ms = \(owner.processStartedAt.unixMilliseconds)
                """, logger: self.logger)
            guard alive == nil else { return nil }
            let attempts = try await self.loadAttempts(connection, jobID: jobID)
            return try await self.close(
                connection, row: row, state: .released, attempts: attempts,
                reason: "released after its process (\(owner.instanceID)) stopped renewing its lease", now: now)
        }
    }

    /// Locks the job's user, then the job's reservation (always in that order), and returns it if held.
    private func lockHeldIfAny(_ connection: PostgresConnection, jobID: JobID) async throws -> Row? {
        guard
            let userKey = try await connection.firstRow(
                "SELECT user_key FROM reservations WHERE job_id = \(jobID.rawValue)", logger: logger
            )?.value(0, as: String.self)
        else { return nil }
        try await Self.lockUser(connection, userKey: userKey, logger: logger)
        guard let row = try await Self.loadRow(connection, jobID: jobID, forUpdate: true, logger: logger),
            row.reservation.state == .held
        else { return nil }
        return row
    }

    private func lockHeld(_ connection: PostgresConnection, jobID: JobID) async throws -> Row {
        if let row = try await lockHeldIfAny(connection, jobID: jobID) { return row }
        guard let row = try await Self.loadRow(connection, jobID: jobID, logger: logger) else {
            throw LedgerError.unknownJob(jobID)
        }
        throw LedgerError.jobNotHeld(jobID, state: row.reservation.state)
    }

    /// Closes a locked, held reservation; the day and month windows trade the estimate for the charge.
    private func close(
        _ connection: PostgresConnection, row: Row, state: Reservation.State, attempts: [AttemptRecord],
        reason: String, now: Date
    ) async throws -> Reservation {
        var reservation = row.reservation
        let (charge, producedImage) = LedgerRules.charge(
            attempts: attempts, chargesFailedAttempts: reservation.chargesFailedAttempts)
        reservation.state = state
        reservation.chargedMicros = charge
        reservation.producedImage = producedImage
        reservation.closedAt = Date(unixMilliseconds: now.unixMilliseconds)
        reservation.closeReason = reason
        try await connection.query(
            """
            UPDATE reservations SET state = \(state.rawValue), charged_micros = \(charge),
                produced_image = \(producedImage), closed_ms = \(now.unixMilliseconds), close_reason = \(reason)
            WHERE job_id = \(reservation.jobID.rawValue) AND state = 'held'
            """, logger: logger)
        try await Self.adjustWindows(
            connection, userKey: reservation.user.storageKey, dayStart: row.dayStart, monthStart: row.monthStart,
            images: producedImage ? 0 : -1, spendMicros: charge - reservation.estimateMicros, logger: logger)
        return reservation
    }

    /// Appends an attempt to a held job and returns them all; a second successful one is refused.
    private func append(
        _ attempt: AttemptRecord, to attempts: [AttemptRecord], jobID: JobID, _ connection: PostgresConnection
    ) async throws -> [AttemptRecord] {
        if attempt.outcome == .succeeded, attempts.contains(where: { $0.outcome == .succeeded }) {
            throw LedgerError.secondSuccess(jobID)
        }
        try await connection.query(
            """
            INSERT INTO attempts (
                job_id, attempt, provider, outcome, started_ms, duration_ms, paid_ms, cost_micros, detail)
            VALUES (
                \(jobID.rawValue), \(attempts.count + 1), \(attempt.provider), \(attempt.outcome.rawValue),
                \(attempt.startedAt.unixMilliseconds), \(attempt.durationMilliseconds), \(attempt.paidMilliseconds),
                \(attempt.costMicros), \(attempt.detail.map { String($0.prefix(1000)) }))
            """, logger: logger)
        return attempts + [attempt]
    }

    func loadAttempts(_ connection: PostgresConnection, jobID: JobID) async throws -> [AttemptRecord] {
        try await connection.rows(
            """
            SELECT provider, outcome, started_ms, duration_ms, paid_ms, cost_micros, detail
            FROM attempts WHERE job_id = \(jobID.rawValue) ORDER BY attempt
            """, logger: logger
        ).map { row in
            AttemptRecord(
                provider: try row.value(0), outcome: AttemptRecord.Outcome(rawValue: try row.value(1)) ?? .failed,
                startedAt: Date(unixMilliseconds: try row.value(2)), durationMilliseconds: try row.value(3),
                paidMilliseconds: try row.value(4), costMicros: try row.value(5), detail: try row.value(6))
        }
    }
}
#endif
