import Prometheus

/// The gateway's Prometheus metrics, in their own registry (served at `/metrics`): requests by route and
/// status, auth failures by reason, quota denials by window, jobs by provider and outcome, generation time,
/// spend, and (through `factory`) the policy's reload status.
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let generationSeconds: ValueHistogram

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        generationSeconds = registry.makeValueHistogram(
            name: "gateway_generation_seconds", buckets: [0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 900],
            help: "Wall time of finished generation jobs, from start to image")
    }

    /// A swift-metrics factory writing into the same registry, for components that use swift-metrics.
    public var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    func recordRequest(route: String, method: String, status: Int) {
        registry.makeCounter(
            name: "gateway_http_requests_total",
            labels: [("route", route), ("method", method), ("status", String(status))],
            help: "HTTP requests by route pattern, method and status"
        ).increment()
    }

    func recordAuthFailure(reason: String) {
        registry.makeCounter(
            name: "gateway_auth_failures_total", labels: [("reason", reason)],
            help: "Refused Bearer tokens by AuthKit reason code"
        ).increment()
    }

    func recordQuotaDenial(window: String) {
        registry.makeCounter(
            name: "gateway_quota_denials_total", labels: [("window", window)],
            help: "Requests refused because a quota window ran out"
        ).increment()
    }

    func recordJob(provider: String, outcome: String) {
        registry.makeCounter(
            name: "gateway_jobs_total", labels: [("provider", provider), ("outcome", outcome)],
            help: "Finished jobs by the provider that served them (none when no provider did) and outcome"
        ).increment()
    }

    func recordGeneration(seconds: Double) {
        generationSeconds.record(seconds)
    }

    func recordSpend(micros: Int64, provider: String) {
        guard micros > 0 else { return }
        registry.makeCounter(
            name: "gateway_spend_micro_usd_total", labels: [("provider", provider)],
            help: "Money charged to users, in micro-dollars"
        ).increment(by: micros)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
