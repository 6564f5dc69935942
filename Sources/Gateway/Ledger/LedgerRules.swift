import Foundation

/// The ledger's rules that do not depend on where it is stored: what a request may carry, which window refuses
/// it, and what closing a job charges. Every `QuotaLedger` implementation applies them the same way.
enum LedgerRules {
    /// The largest amount of money one job or attempt may carry: one billion dollars, far from Int64 overflow.
    static let maximumMicros: Int64 = 1_000_000_000_000_000

    /// Refuses a reservation request with a field out of range.
    static func validate(_ request: ReservationRequest) throws {
        try checkText(request.jobID.rawValue, "job id")
        try checkText(request.user.issuer, "issuer")
        try checkText(request.user.subject, "subject")
        guard !request.user.issuer.contains(" ") else {
            throw LedgerError.invalidRequest("issuer must not contain spaces")
        }
        if let email = request.email { try checkText(email, "email", maximumLength: 320) }
        try checkMicros(request.estimateMicros, "estimate")
        if let idempotency = request.idempotency {
            try checkText(idempotency.key, "idempotency key")
            try checkText(idempotency.requestHash, "request hash")
        }
    }

    /// Refuses an attempt with a field out of range.
    static func validate(_ attempt: AttemptRecord) throws {
        try checkText(attempt.provider, "provider")
        try checkMicros(attempt.costMicros, "attempt cost")
        guard attempt.durationMilliseconds >= 0, attempt.paidMilliseconds >= 0 else {
            throw LedgerError.invalidRequest("attempt duration and paid time must not be negative")
        }
    }

    static func checkMicros(_ value: Int64, _ name: String) throws {
        guard (0...maximumMicros).contains(value) else {
            throw LedgerError.invalidRequest(
                "\(name) must be between 0 and \(maximumMicros) micro-dollars, got \(value)")
        }
    }

    static func checkText(_ value: String, _ name: String, maximumLength: Int = 256) throws {
        guard !value.isEmpty, value.utf8.count <= maximumLength else {
            throw LedgerError.invalidRequest("\(name) must be 1 to \(maximumLength) bytes, got \(value.utf8.count)")
        }
    }

    /// What is used in one window, as the store reads it.
    struct WindowUsage {
        var requestsThisMinute: Int64 = 0
        var day: (images: Int64, spend: Int64) = (0, 0)
        var month: (images: Int64, spend: Int64) = (0, 0)
        var heldJobs: Int64 = 0
    }

    /// Used and left in each limited window of `limits`.
    static func statuses(limits: QuotaLimits, usage: WindowUsage, nowSeconds: Int64) -> [QuotaWindowStatus] {
        QuotaWindow.allCases.compactMap { window in
            guard let limit = window.limit(in: limits) else { return nil }
            let used: Int64 =
                switch window {
                case .requestsPerMinute: usage.requestsThisMinute
                case .imagesPerDay: usage.day.images
                case .imagesPerMonth: usage.month.images
                case .spendPerDay: usage.day.spend
                case .spendPerMonth: usage.month.spend
                case .concurrentJobs: usage.heldJobs
                }
            return QuotaWindowStatus(
                window: window, limit: limit, used: used,
                resetsAt: window.resetSeconds(after: nowSeconds).map(Date.init(unixSeconds:)))
        }
    }

    /// The window that refuses the request, if any. When several do, the one that resets last is named (the broader
    /// one on a tie), so a client that waits for `Retry-After` does not hit another at once.
    static func denial(_ statuses: [QuotaWindowStatus], estimateMicros: Int64) -> QuotaDenial? {
        var named: QuotaDenial?
        for status in statuses {
            guard let limit = status.limit else { continue }
            let requested: Int64 =
                switch status.window {
                case .spendPerDay, .spendPerMonth: estimateMicros
                default: 1
                }
            let (total, overflow) = status.used.addingReportingOverflow(requested)
            guard overflow || total > limit else { continue }
            let refusal = QuotaDenial(
                window: status.window, limit: limit, used: status.used, requested: requested,
                resetsAt: status.resetsAt)
            if (refusal.resetsAt ?? .distantPast) >= (named?.resetsAt ?? .distantPast) { named = refusal }
        }
        return named
    }

    /// What closing a job charges: the successful attempt's cost, plus the failed attempts' cost when the tier passes
    /// it on; and whether it produced the image.
    static func charge(attempts: [AttemptRecord], chargesFailedAttempts: Bool) -> (micros: Int64, producedImage: Bool) {
        let succeeded = attempts.first { $0.outcome == .succeeded }
        let failedCost = attempts.filter { $0.outcome != .succeeded }.reduce(Int64(0)) { $0 + $1.costMicros }
        return ((succeeded?.costMicros ?? 0) + (chargesFailedAttempts ? failedCost : 0), succeeded != nil)
    }
}
