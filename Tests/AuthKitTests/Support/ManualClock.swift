import AuthKit
import Synchronization

/// A test clock that only moves when the test says so.
final class ManualClock: WallClock {
    private let seconds: Mutex<Int64>

    init(_ start: Int64 = 1_800_000_000) {
        seconds = Mutex(start)
    }

    func now() -> Int64 { seconds.withLock { $0 } }

    func advance(by delta: Int64) {
        seconds.withLock { $0 += delta }
    }
}
