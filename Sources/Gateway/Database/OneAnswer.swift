import Locking

/// The first of several racing results resumes a continuation; later ones are dropped.
final class OneAnswer<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var given = false
        var onGiven: (@Sendable () -> Void)?
    }

    private let state = LockedState(State())

    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `action` once an answer is given (at once if it already was).
    func onGiven(_ action: @escaping @Sendable () -> Void) {
        let already = state.withLock { state in
            if !state.given { state.onGiven = action }
            return state.given
        }
        if already { action() }
    }

    /// Resumes with `result` if nothing did before; true when this call answered.
    @discardableResult
    func give(_ result: Result<Value, any Error>) -> Bool {
        let (continuation, action) = state.withLock {
            state -> (CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
            guard !state.given else { return (nil, nil) }
            state.given = true
            defer {
                state.continuation = nil
                state.onGiven = nil
            }
            return (state.continuation, state.onGiven)
        }
        guard let continuation else { return false }
        continuation.resume(with: result)
        action?()
        return true
    }
}
