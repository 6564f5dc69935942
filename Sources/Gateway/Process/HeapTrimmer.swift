import CMalloc
import Dispatch
import ServiceLifecycle

/// Hands freed heap memory back to the operating system every `interval`, until graceful shutdown.
///
/// glibc's allocator keeps one arena per thread that allocates, and returns memory to the system only from the
/// top of an arena: pages freed in the middle stay resident. Under steady load the gateway's live heap stays flat,
/// but bursts (a large report, a thousand simultaneous requests) leave free holes behind that add up to tens of
/// megabytes of resident memory that nothing uses. `malloc_trim(0)` releases the free pages of every arena; it
/// holds each arena's lock briefly, so it runs on its own queue, never on an event loop. The local engine keeps
/// large freed blocks for reuse (`AllocatorTuning`), so a process running it (the gateway with a local provider,
/// the `worker` command) needs this to give a generation's memory back once idle.
public struct HeapTrimmer: Service {
    /// How often `serve` and `worker` trim by default.
    public static let defaultInterval: Duration = .seconds(10)

    let interval: Duration
    private let queue = DispatchQueue(label: "gateway.heap-trimmer")

    public init(interval: Duration = defaultInterval) {
        self.interval = interval
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await trim()
            }
        }
    }

    /// Releases free heap pages now.
    func trim() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                _ = malloc_trim(0)
                done.resume()
            }
        }
    }
}
