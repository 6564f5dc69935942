import AuthKit
import Locking

/// A test clock that only moves when the test says so.
final class ManualClock: WallClock {
    private let seconds: LockedState<Int64>

    init(_ start: Int64 = 1_800_000_000) {
        seconds = LockedState(start)
    }

    func now() -> Int64 { seconds.withLock { $0 } }

    func advance(by delta: Int64) {
        seconds.withLock { $0 += delta }
    }
}
