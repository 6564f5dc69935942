/// Capped exponential backoff: how long to wait before retry `n` (1-based), and when to give up.
public struct RetryBackoff: Sendable, Hashable {
    public var maxRetries: Int
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(maxRetries: Int = 4, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The delay before retry `retry` (1 for the first retry), or nil when no retries are left.
    /// A server's `Retry-After` is honoured when it is longer, up to `maxDelay`.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil) -> Duration? {
        guard retry >= 1, retry <= maxRetries else { return nil }
        let exponent = min(retry - 1, 30)
        let backoff = min(initialDelay * (1 << exponent), maxDelay)
        guard let retryAfter else { return backoff }
        return min(max(backoff, retryAfter), maxDelay)
    }
}
