import Foundation

/// Read-only questions the ops dashboard asks of the gateway's store: how each provider's attempts went, and which
/// user key an email last used. One implementation per store.
protocol AdminStatistics: Sendable {
    /// Every provider's attempts since `start`: outcomes, latency of the successful ones, and failovers (a failed
    /// or skipped attempt after which the same job tried another provider).
    func providerStatistics(since start: Date) async throws -> [ProviderStatistics]

    /// The user key (issuer and subject) that most recently reserved quota with this email, if any.
    func latestUser(email: String) async throws -> UserKey?
}

extension AdminStatistics {
    /// The query behind `providerStatistics`, the same on both stores; `?1`/`$1` is the start in milliseconds.
    static func attemptsQuery(startParameter: String) -> String {
        """
        SELECT a.provider, a.outcome, a.duration_ms, coalesce(a.detail, '') LIKE 'skipped:%',
            EXISTS (SELECT 1 FROM attempts b WHERE b.job_id = a.job_id AND b.attempt > a.attempt)
        FROM attempts a WHERE a.started_ms >= \(startParameter) ORDER BY a.provider
        """
    }

    /// The query behind `latestUser`; `?1`/`$1` is the email.
    static func latestUserQuery(emailParameter: String) -> String {
        """
        SELECT user_key FROM reservations WHERE lower(user_email) = lower(\(emailParameter))
        ORDER BY reserved_ms DESC LIMIT 1
        """
    }

    static func grouped(_ attempts: [ProviderStatistics.Attempt]) -> [ProviderStatistics] {
        Dictionary(grouping: attempts, by: \.provider).map { ProviderStatistics(provider: $0, attempts: $1) }
            .sorted { $0.provider < $1.provider }
    }
}
