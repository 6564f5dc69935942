import Foundation
import Locking

/// Counts events per client address in fixed UTC minutes (in memory: a restart forgets at most a minute), for
/// the network policy's per-address limits.
final class AddressRateLimiter: Sendable {
    /// What is being counted.
    enum Bucket: String, Sendable {
        case unauthenticated = "ip_unauthenticated_per_minute"
        case failedAuth = "ip_failed_auth_per_minute"
    }

    private struct Key: Hashable {
        var bucket: Bucket
        var address: IPAddress
    }

    private let counts = LockedState<[Key: (minute: Int64, count: Int)]>([:])
    private let pruneThreshold = 50_000

    /// Seconds until the address may try again when it has used up `limit` this minute; nil while under it.
    func retryAfter(_ address: IPAddress, bucket: Bucket, limit: Int?, now: Date) -> Int? {
        guard let limit else { return nil }
        let (minute, secondsLeft) = Self.minute(now)
        let used = counts.withLock { table -> Int in
            guard let entry = table[Key(bucket: bucket, address: address)], entry.minute == minute else { return 0 }
            return entry.count
        }
        return used >= limit ? secondsLeft : nil
    }

    /// Counts one event for the address in the current minute.
    func record(_ address: IPAddress, bucket: Bucket, now: Date) {
        let (minute, _) = Self.minute(now)
        counts.withLock { table in
            let key = Key(bucket: bucket, address: address)
            if let entry = table[key], entry.minute == minute {
                table[key] = (minute, entry.count + 1)
                return
            }
            if table.count >= pruneThreshold { table = table.filter { $0.value.minute >= minute } }
            table[key] = (minute, 1)
        }
    }

    private static func minute(_ now: Date) -> (minute: Int64, secondsLeft: Int) {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let minute = seconds - ((seconds % 60) + 60) % 60
        return (minute, Int(minute + 60 - seconds))
    }
}
