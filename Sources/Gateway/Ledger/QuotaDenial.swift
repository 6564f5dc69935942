import Foundation

/// Why a reservation was refused: which window ran out and when it resets.
public struct QuotaDenial: Sendable, Hashable, Codable {
    public var window: QuotaWindow
    /// The limit, in the window's unit (requests, images, micro-dollars, jobs).
    public var limit: Int64
    /// What the window already held.
    public var used: Int64
    /// What this request would have added.
    public var requested: Int64
    /// When the window starts over; nil for concurrency, which frees when a running job ends.
    public var resetsAt: Date?

    public init(window: QuotaWindow, limit: Int64, used: Int64, requested: Int64, resetsAt: Date?) {
        self.window = window
        self.limit = limit
        self.used = used
        self.requested = requested
        self.resetsAt = resetsAt
    }

    /// Whole seconds from `now` until the window resets, at least 1, for `Retry-After`; nil when unknown.
    public func retryAfterSeconds(now: Date) -> Int? {
        guard let resetsAt else { return nil }
        return max(1, Int((resetsAt.timeIntervalSince(now)).rounded(.up)))
    }
}
