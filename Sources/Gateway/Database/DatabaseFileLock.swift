import CSQLite
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive advisory lock on `<database>.lock`, held while one process writes the ledger. The kernel drops it
/// when the process dies, even by `kill -9`, so a restart can take it again at once.
public final class DatabaseFileLock: @unchecked Sendable {
    private let mutex = NSLock()
    /// The open lock file; -1 once released. Guarded by `mutex`.
    private var descriptor: Int32

    /// Takes the lock for the database at `databasePath`, or fails with `locked_by_another_process`.
    public init(databasePath: String) throws {
        let lockPath = databasePath + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SQLiteError.result(
                SQLITE_CANTOPEN, message: "cannot create the lock file \(lockPath) (errno \(errno))", sql: nil,
                path: databasePath)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SQLiteError.locked(path: databasePath)
        }
        self.descriptor = descriptor
    }

    /// Gives the lock up; later calls do nothing.
    public func release() {
        mutex.withLock {
            guard descriptor >= 0 else { return }
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
