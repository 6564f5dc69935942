import Foundation

/// One read per key at a time: callers that ask for a key while its read runs wait for that read and share its
/// result (or its error), instead of queueing reads of their own behind it. For reports that take a while (the
/// usage report reads a month of per-day rows), so a dashboard refreshed by many people costs one read, not many.
/// A shared result is as of the moment its read began.
///
/// Guarded by an `NSLock` (a pthread mutex) rather than `Mutex`: on Linux `Mutex`'s contended path waits on a futex
/// inside the uninstrumented Synchronization library, so ThreadSanitizer cannot see its ordering and reports the
/// guarded state as racing.
final class SharedReads<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [Key: Task<Value, any Error>] = [:]

    func value(for key: Key, read: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = lock.withLock {
            if let task = running[key] { return task }
            let task = Task { try await read() }
            running[key] = task
            return task
        }
        let result = await task.result
        lock.withLock {
            if running[key] == task { running[key] = nil }
        }
        return try result.get()
    }
}
