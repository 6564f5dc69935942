import Providers
import Testing

@Suite struct CircuitBreakerTests {
    let start = ContinuousClock.now

    @Test func staysClosedBelowThreshold() {
        var breaker = CircuitBreaker(failureThreshold: 3, cooldown: .seconds(10))
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        #expect(breaker.acquire(now: start) == .allow)
        #expect(breaker.state == .closed(consecutiveFailures: 2))
    }

    @Test func successResetsTheFailureCount() {
        var breaker = CircuitBreaker(failureThreshold: 2, cooldown: .seconds(10))
        breaker.recordFailure(now: start)
        breaker.recordSuccess()
        breaker.recordFailure(now: start)
        #expect(breaker.acquire(now: start) == .allow)
    }

    @Test func opensAtThresholdAndRejectsUntilCooldownEnds() {
        var breaker = CircuitBreaker(failureThreshold: 2, cooldown: .seconds(10))
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        let reopen = start + .seconds(10)
        #expect(breaker.state == .open(until: reopen))
        #expect(breaker.acquire(now: start + .seconds(9)) == .reject(retryAt: reopen))
        #expect(breaker.acquire(now: reopen) == .probe)
    }

    @Test func allowsOnlyOneProbeAtATime() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
        breaker.recordFailure(now: start)
        #expect(breaker.acquire(now: start + .seconds(5)) == .probe)
        #expect(breaker.acquire(now: start + .seconds(6)) == .reject(retryAt: nil))
    }

    @Test func successfulProbeCloses() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
        breaker.recordFailure(now: start)
        _ = breaker.acquire(now: start + .seconds(5))
        breaker.recordSuccess()
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        #expect(breaker.acquire(now: start + .seconds(5)) == .allow)
    }

    @Test func failedProbeReopensForAnotherCooldown() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
        breaker.recordFailure(now: start)
        _ = breaker.acquire(now: start + .seconds(5))
        breaker.recordFailure(now: start + .seconds(7))
        #expect(breaker.state == .open(until: start + .seconds(12)))
    }

    @Test func abandonedProbeFreesTheSlot() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
        breaker.recordFailure(now: start)
        _ = breaker.acquire(now: start + .seconds(5))
        breaker.recordAbandoned()
        #expect(breaker.acquire(now: start + .seconds(5)) == .probe)
    }

    @Test func failuresWhileOpenDoNotExtendTheCooldown() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start + .seconds(4))
        #expect(breaker.state == .open(until: start + .seconds(5)))
    }
}
