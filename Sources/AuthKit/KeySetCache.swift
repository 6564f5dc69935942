import Locking
import Logging

/// One issuer's key set, fetched from its source and kept by `Cache-Control: max-age`: refreshed in the
/// background once most of its lifetime has passed, refetched (rate-limited) on an unknown `kid`, kept when a
/// refresh fails, and never fetched twice at once.
public actor KeySetCache {
    /// A snapshot of the cache for health checks and logs.
    public struct Status: Sendable {
        /// Key ids of the set in use, sorted; empty before the first successful fetch.
        public var keyIDs: [String]
        /// When the set in use stops being fresh (unix seconds); nil before the first successful fetch.
        public var expiresAt: Int64?
        /// Fetches started so far.
        public var fetches: Int
        /// Fetches that failed so far.
        public var failures: Int
        /// Why the latest fetch failed; nil when it succeeded.
        public var lastError: String?
    }

    /// The set in use while fresh and not yet due for refresh, readable without entering the actor.
    private struct Snapshot {
        var keySet: KeySet
        var refreshAt: Int64
    }

    private let source: any KeySetSource
    private let clock: any WallClock
    private let policy: KeySetCachePolicy
    private let logger: Logger

    private var current: KeySet?
    private var fetchedAt: Int64 = 0
    private var expiresAt: Int64 = 0
    private var lastAttemptAt: Int64?
    private var inFlight: Task<Void, Never>?
    private var fetches = 0
    private var failures = 0
    private var lastError: String?
    private let snapshot = LockedState<Snapshot?>(nil)

    public init(
        source: any KeySetSource, clock: any WallClock = SystemWallClock(),
        policy: KeySetCachePolicy = KeySetCachePolicy(), logger: Logger = Logger(label: "AuthKit.KeySetCache")
    ) {
        self.source = source
        self.clock = clock
        self.policy = policy
        self.logger = logger
    }

    /// The key with id `kid` when the set is fresh and not due for refresh, without an actor hop; nil sends the
    /// caller to `key(for:)`, which fetches when needed.
    public nonisolated func freshKey(for kid: String, now: Int64) -> RSAPublicKey? {
        snapshot.withLock { snapshot in
            guard let snapshot, now < snapshot.refreshAt else { return nil }
            return snapshot.keySet.keys[kid]
        }
    }

    /// The key with id `kid`; throws `unknown_key`, or `key_set_unavailable` when no set was ever fetched.
    public func key(for kid: String) async throws(AuthError) -> RSAPublicKey {
        let now = clock.now()
        if let current, now < expiresAt {
            if now - fetchedAt >= refreshAge, mayFetch(now: now) { startFetch(now: now) }
            if let key = current.keys[kid] { return key }
            guard mayFetch(now: now) || inFlight != nil else {
                throw .unknownKey("kid not in the key set; refetched less than the minimum interval ago")
            }
        } else if !(mayFetch(now: now) || inFlight != nil), current == nil {
            throw .keySetUnavailable("no key set yet; the last fetch failed: \(lastError ?? "unknown error")")
        }
        await fetchOrJoin(now: now)
        guard let current else {
            throw .keySetUnavailable("no key set could be fetched: \(lastError ?? "unknown error")")
        }
        guard let key = current.keys[kid] else { throw .unknownKey("kid not in the issuer's key set") }
        return key
    }

    /// Fetches now, ignoring the minimum interval, unless a fetch is already running (then waits for it);
    /// returns the cache's state after. For startup warm-up and operators; verification never needs it.
    @discardableResult
    public func refresh() async -> Status {
        if inFlight == nil { startFetch(now: clock.now()) }
        await inFlight?.value
        return status
    }

    /// The cache's state now.
    public var status: Status {
        Status(
            keyIDs: current.map { $0.keys.keys.sorted() } ?? [], expiresAt: current == nil ? nil : expiresAt,
            fetches: fetches, failures: failures, lastError: lastError)
    }

    private var refreshAge: Int64 {
        let lifetime = expiresAt - fetchedAt
        return Int64((Double(lifetime) * policy.earlyRefreshFraction).rounded(.down))
    }

    private func mayFetch(now: Int64) -> Bool {
        guard inFlight == nil else { return false }
        guard let lastAttemptAt else { return true }
        return now - lastAttemptAt >= policy.minimumRefetchIntervalSeconds
    }

    private func fetchOrJoin(now: Int64) async {
        if inFlight == nil, mayFetch(now: now) { startFetch(now: now) }
        await inFlight?.value
    }

    private func startFetch(now: Int64) {
        lastAttemptAt = now
        fetches += 1
        inFlight = Task { await self.fetchAndStore() }
    }

    private func fetchAndStore() async {
        defer { inFlight = nil }
        do {
            let document = try await source.fetch()
            let keySet = try KeySet(document: document.body, minimumBits: policy.minimumKeyBits)
            let now = clock.now()
            let lifetime = min(max(document.maxAge ?? policy.defaultLifetimeSeconds, 0), policy.maximumLifetimeSeconds)
            current = keySet
            fetchedAt = now
            expiresAt = now + lifetime
            lastError = nil
            let refreshAt = now + refreshAge
            snapshot.withLock { $0 = Snapshot(keySet: keySet, refreshAt: refreshAt) }
            for reason in keySet.skipped {
                logger.notice("key left out of the key set", metadata: ["reason": "\(reason)"])
            }
        } catch {
            failures += 1
            lastError = "\(error)"
            logger.warning(
                "key set fetch failed; keeping the last good set",
                metadata: ["error": "\(error)", "has_set": "\(current != nil)"])
        }
    }
}
