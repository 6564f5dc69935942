import Foundation

/// What the SQLite ledger last read of each user's quota state (the day and month windows and the held jobs), so
/// `GET /v1/me` can answer without a trip to the database queue.
///
/// It stays exact because one process writes the database (its lock file says so) and, in that process, every
/// write that changes a user's windows or held jobs forgets the user's entry before it commits, while entries are
/// stored only on the database queue from committed state. A reader that finds no entry, or one from an earlier
/// day or month, reads the database. Reservations never use it: they decide inside their own transaction.
/// Guarded by an `NSLock` rather than `Mutex`, which ThreadSanitizer cannot follow on Linux (see `SharedReads`).
final class UserWindowCache: @unchecked Sendable {
    struct Entry: Sendable {
        var dayStart: Int64
        var monthStart: Int64
        var day: (images: Int64, spend: Int64)
        var month: (images: Int64, spend: Int64)
        var heldJobs: Int64
    }

    /// More users than this and the cache starts over (a few MB at most).
    static let capacity = 100_000
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// The user's entry when it is for this day and month.
    func entry(user: String, dayStart: Int64, monthStart: Int64) -> Entry? {
        lock.withLock {
            guard let entry = entries[user], entry.dayStart == dayStart, entry.monthStart == monthStart else {
                return nil
            }
            return entry
        }
    }

    /// Call only on the database queue, with what a committed state says.
    func store(_ entry: Entry, user: String) {
        lock.withLock {
            if entries.count >= Self.capacity, entries[user] == nil { entries.removeAll(keepingCapacity: true) }
            entries[user] = entry
        }
    }

    /// Call inside every write that changes the user's windows or held jobs, before it commits.
    func forget(user: String) {
        _ = lock.withLock { entries.removeValue(forKey: user) }
    }
}
