/// Passive health of one provider as a pure state machine: it decides whether a call may go out and
/// learns from how calls ended. No I/O and no clock of its own: callers pass `now`.
///
/// Closed: calls flow; `failureThreshold` consecutive failures open the circuit. Open: calls are refused
/// until `cooldown` has passed. Half-open: exactly one probe call goes out; its success closes the circuit,
/// its failure opens it again for another cooldown.
public struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker stands, as exported to metrics and the admin API.
    public enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probeInFlight: Bool)
    }

    /// What the caller should do with a call it wants to make.
    public enum Decision: Sendable, Equatable {
        /// Make the call and report how it ended.
        case allow
        /// Make the call as the single half-open probe and report how it ended.
        case probe
        /// Do not call; the provider may be tried again at `retryAt`.
        case reject(retryAt: ContinuousClock.Instant?)
    }

    public let failureThreshold: Int
    public let cooldown: Duration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(failureThreshold: Int = 3, cooldown: Duration = .seconds(30)) {
        precondition(failureThreshold > 0, "a circuit breaker needs a failure threshold of at least 1")
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
    }

    /// Asks to make a call at `now`; a `.probe` answer must be followed by `record`.
    public mutating func acquire(now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open(let until) where now >= until:
            state = .halfOpen(probeInFlight: true)
            return .probe
        case .open(let until):
            return .reject(retryAt: until)
        case .halfOpen(probeInFlight: true):
            return .reject(retryAt: nil)
        case .halfOpen(probeInFlight: false):
            state = .halfOpen(probeInFlight: true)
            return .probe
        }
    }

    /// Records a call that reached the provider and succeeded (or failed only through the caller's fault).
    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    /// Records a call that failed through the provider's fault (connect error, 5xx, deadline, bad reply).
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures) where failures + 1 >= failureThreshold:
            state = .open(until: now + cooldown)
        case .closed(let failures):
            state = .closed(consecutiveFailures: failures + 1)
        case .halfOpen:
            state = .open(until: now + cooldown)
        case .open:
            break
        }
    }

    /// Records a call that was abandoned before the provider answered (the caller cancelled): a probe
    /// slot is given back, nothing is learnt about health.
    public mutating func recordAbandoned() {
        if case .halfOpen(probeInFlight: true) = state {
            state = .halfOpen(probeInFlight: false)
        }
    }
}
