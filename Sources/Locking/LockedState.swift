#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value behind a pthread mutex, reached only inside `withLock`: the lock of every module here.
///
/// Used instead of `Synchronization.Mutex` because ThreadSanitizer cannot see the standard library's futex-based
/// lock on Linux: when two threads contend, the lock passes through the kernel (`FUTEX_LOCK_PI`) where the sanitizer
/// sees no hand-over, so it reports the protected value as raced (the job event hub's table did, one run in twenty).
/// A pthread mutex it understands keeps sanitizer runs clean; uncontended, both cost one atomic operation.
public final class LockedState<State: Sendable>: @unchecked Sendable {
    private var state: State
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
