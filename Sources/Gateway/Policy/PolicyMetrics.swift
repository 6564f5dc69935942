import Foundation
import Metrics

/// The policy's reload health as metrics: whether the last reload worked, how many failed, when one last
/// worked, and the live version.
struct PolicyMetrics: Sendable {
    /// 1 when the last load attempt succeeded, 0 when it was rejected.
    let reloadSuccess: Gauge
    /// Rejected load attempts since start.
    let reloadFailures: Counter
    /// Unix time (seconds) of the last successful load.
    let lastSuccessTimestamp: Gauge
    /// The live policy's version (see `PolicyReloadStatus.version`).
    let version: Gauge

    init(factory: any MetricsFactory) {
        reloadSuccess = Gauge(label: "policy_reload_success", factory: factory)
        reloadFailures = Counter(label: "policy_reload_failures_total", factory: factory)
        lastSuccessTimestamp = Gauge(label: "policy_last_reload_success_timestamp_seconds", factory: factory)
        version = Gauge(label: "policy_version", factory: factory)
    }

    func recordSuccess(at date: Date, version: Int) {
        reloadSuccess.record(1)
        lastSuccessTimestamp.record(date.timeIntervalSince1970)
        self.version.record(version)
    }

    func recordFailure() {
        reloadSuccess.record(0)
        reloadFailures.increment()
    }
}
