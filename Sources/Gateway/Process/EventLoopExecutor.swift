import NIOCore
import NIOPosix
import Synchronization

/// Lets the server's event loops run Swift concurrency's tasks too.
///
/// By default a request's handler hops from the NIO event loop that read it to Swift's cooperative pool and its
/// answer hops back: on two cores that is four busy threads taking turns and a context switch or two per request.
/// With NIO's event loops (the group Hummingbird serves on) installed as the global executor, a request is read,
/// handled and answered on one thread. Blocking C calls already run on their own queues (SQLite, the engine,
/// libcurl's worker thread), so nothing here may block an event loop.
public enum EventLoopExecutor {
    private static let attempted = Atomic<Bool>(false)

    /// Installs the event loops as the global executor. Call it first thing in a server process; a second call
    /// does nothing. Returns false when the platform's runtime has no hook for it (the server then runs as
    /// before, on the cooperative pool).
    @discardableResult
    public static func adopt() -> Bool {
        guard !attempted.exchange(true, ordering: .relaxed) else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
