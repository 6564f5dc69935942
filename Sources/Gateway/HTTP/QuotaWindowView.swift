import Foundation

/// One quota window as the API shows it (in `/v1/me` and the admin's user limits): the limit, what is used and
/// left, and when it resets.
struct QuotaWindowView: Codable {
    var window: String
    var limit: Int64?
    var used: Int64
    var remaining: Int64?
    var resetsAt: Date?

    enum CodingKeys: String, CodingKey {
        case window, limit, used, remaining
        case resetsAt = "resets_at"
    }

    init(_ status: QuotaWindowStatus) {
        window = status.window.rawValue
        limit = status.limit
        used = status.used
        remaining = status.remaining
        resetsAt = status.resetsAt
    }
}
