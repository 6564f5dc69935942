import Foundation

/// Admitted requests per user in the current UTC minute, kept in memory: a restart forgets at most one minute,
/// while the day and month windows come from the database.
final class RequestRateWindow: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: (minute: Int64, count: Int64)] = [:]
    /// Entries from older minutes are dropped once the table holds this many users.
    private let pruneThreshold = 10_000

    /// Requests admitted for `user` in the minute starting at `minute` (Unix seconds).
    func count(user: String, minute: Int64) -> Int64 {
        lock.withLock {
            guard let entry = counts[user], entry.minute == minute else { return 0 }
            return entry.count
        }
    }

    /// Counts one admitted request for `user` in the minute starting at `minute`.
    func record(user: String, minute: Int64) {
        lock.withLock {
            if let entry = counts[user], entry.minute == minute {
                counts[user] = (minute, entry.count + 1)
                return
            }
            if counts.count >= pruneThreshold {
                counts = counts.filter { $0.value.minute >= minute }
            }
            counts[user] = (minute, 1)
        }
    }
}
