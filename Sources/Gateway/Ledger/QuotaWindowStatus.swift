import Foundation

/// How much of one window a user has used and has left.
public struct QuotaWindowStatus: Sendable, Hashable, Codable {
    public var window: QuotaWindow
    /// nil: unlimited.
    public var limit: Int64?
    public var used: Int64
    /// nil: unlimited; never negative.
    public var remaining: Int64?
    /// When the window starts over; nil for concurrency.
    public var resetsAt: Date?

    public init(window: QuotaWindow, limit: Int64?, used: Int64, resetsAt: Date?) {
        self.window = window
        self.limit = limit
        self.used = used
        self.remaining = limit.map { max(0, $0 - used) }
        self.resetsAt = resetsAt
    }
}
