import Locking
import Synchronization

/// Identities of tokens already verified, keyed by the token's SHA-256, so a repeated token skips parsing and
/// RSA work. Checked synchronously under a lock (no actor hop); entries end at the token's `exp`; when full,
/// the oldest insertion is evicted.
public final class VerifiedTokenCache: Sendable {
    private struct Digest: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64)

        static func == (lhs: Digest, rhs: Digest) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
                && lhs.words.3 == rhs.words.3
        }

        func hash(into hasher: inout Hasher) { hasher.combine(words.0) }
    }

    private struct Entry {
        var identity: Identity
        var expiresAt: Int64
        var slot: Int
    }

    private struct State {
        var entries: [Digest: Entry] = [:]
        /// Insertion order as a ring: `order[slot]` is the digest inserted into that slot.
        var order: [Digest?]
        var nextSlot = 0
    }

    /// Most entries kept.
    public let capacity: Int
    private let state: LockedState<State>
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)

    /// A cache holding at most `capacity` identities (at least 1).
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
        state = LockedState(State(order: Array(repeating: nil, count: max(1, capacity))))
    }

    /// The identity cached for `token` while `now` is before its `exp`; nil otherwise.
    public func identity(for token: String, now: Int64) -> Identity? {
        let digest = Self.digest(of: token)
        let found = state.withLock { state -> Identity? in
            guard let entry = state.entries[digest] else { return nil }
            guard now < entry.expiresAt else {
                state.entries[digest] = nil
                state.order[entry.slot] = nil
                return nil
            }
            return entry.identity
        }
        if found == nil {
            missCount.add(1, ordering: .relaxed)
        } else {
            hitCount.add(1, ordering: .relaxed)
        }
        return found
    }

    /// Remembers `identity` for `token` until `expiresAt` (unix seconds).
    public func insert(_ identity: Identity, for token: String, expiresAt: Int64, now: Int64) {
        guard expiresAt > now else { return }
        let digest = Self.digest(of: token)
        state.withLock { state in
            if let existing = state.entries[digest] {
                state.entries[digest] = Entry(identity: identity, expiresAt: expiresAt, slot: existing.slot)
                return
            }
            let slot = state.nextSlot
            if let evicted = state.order[slot] { state.entries[evicted] = nil }
            state.order[slot] = digest
            state.entries[digest] = Entry(identity: identity, expiresAt: expiresAt, slot: slot)
            state.nextSlot = (slot + 1) % state.order.count
        }
    }

    /// Entries held now (expired ones are dropped lazily).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Lookups that found a live entry.
    public var hits: Int { hitCount.load(ordering: .relaxed) }

    /// Lookups that found nothing usable.
    public var misses: Int { missCount.load(ordering: .relaxed) }

    private static func digest(of token: String) -> Digest {
        var token = token
        let words = token.withUTF8 { OpenSSLRSAKey.sha256(UnsafeRawBufferPointer($0)) }
        return Digest(words: words)
    }
}
