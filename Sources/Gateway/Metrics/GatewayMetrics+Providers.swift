import Prometheus
import Providers

extension GatewayMetrics {
    private static var attempts: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "gateway", subsystem: "provider", metricName: "attempts", unitName: "total",
            helpText: "Provider attempts by provider and outcome (succeeded, failed, skipped, cancelled)")
    }
    private static var failovers: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "gateway", subsystem: "provider", metricName: "failovers", unitName: "total",
            helpText: "Attempts a provider failed or skipped, after which the router moved on or gave up")
    }
    private static var attemptSeconds: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "gateway", subsystem: "provider", metricName: "attempt_duration", unitName: "seconds",
            helpText: "Wall time of provider attempts, by provider")
    }
    private static var circuit: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "gateway", subsystem: "provider", metricName: "circuit", unitName: "state",
            helpText: "Circuit breaker state per provider: 0 closed, 1 half-open, 2 open")
    }

    /// Records one router attempt: its outcome, whether the router had to move on, and how long it took.
    func recordAttempt(_ report: AttemptReport) {
        let outcome: String
        switch report.outcome {
        case .succeeded: outcome = "succeeded"
        case .failed: outcome = "failed"
        case .skipped: outcome = "skipped"
        case .cancelled: outcome = "cancelled"
        }
        registry.makeCounter(descriptor: Self.attempts, labels: [("provider", report.provider), ("outcome", outcome)])
            .increment()
        if outcome == "failed" || outcome == "skipped" {
            registry.makeCounter(descriptor: Self.failovers, labels: [("provider", report.provider)]).increment()
        }
        if case .skipped = report.outcome { return }
        registry.makeDurationHistogram(
            descriptor: Self.attemptSeconds, labels: [("provider", report.provider)],
            buckets: [
                .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
                .seconds(20), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
            ]
        ).recordNanoseconds(report.duration.nanoseconds)
    }

    /// Sets each provider's circuit gauge from the router's breakers.
    func recordCircuits(_ states: [String: CircuitBreaker.State]) {
        for (provider, state) in states {
            let value: Double
            switch state {
            case .closed: value = 0
            case .halfOpen: value = 1
            case .open: value = 2
            }
            registry.makeGauge(descriptor: Self.circuit, labels: [("provider", provider)]).set(value)
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
