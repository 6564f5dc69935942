import Dispatch
import Foundation
import Logging
import Metrics

/// Holds the live policy and swaps in a new one only when the whole set of files validates; otherwise the
/// last good policy stays, and the failure is logged, counted in metrics and kept in `status`.
public final class PolicyStore: @unchecked Sendable {
    private let directory: PolicyDirectory
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let metrics: PolicyMetrics
    /// Loads run here, one at a time and off Swift's cooperative pool (they read files and parse YAML).
    private let loadQueue = DispatchQueue(label: "diffusion-gateway.policy-load")
    private let lock = NSLock()
    private var livePolicy: Policy
    private var liveStatus: PolicyReloadStatus
    private var attemptedFingerprint: PolicyFingerprint

    /// Loads the policy folder; throws every problem when it does not validate, so the gateway refuses to start.
    ///
    /// - Parameters:
    ///   - directory: The folder of `*.yaml` policy files.
    ///   - now: The wall clock for `loadedAt` and the last-success metric.
    ///   - metricsFactory: Where the reload metrics go; the process's bootstrapped factory by default.
    public init(
        directory: String, now: @escaping @Sendable () -> Date = { Date() },
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        logger: Logger = Logger(label: "diffusion-gateway.policy")
    ) throws(PolicyLoadError) {
        self.directory = PolicyDirectory(path: directory)
        self.now = now
        self.logger = logger
        self.metrics = PolicyMetrics(factory: metricsFactory)
        let sources = try self.directory.read()
        let policy = try PolicyLoader.load(sources)
        let loadedAt = now()
        livePolicy = policy
        liveStatus = PolicyReloadStatus(
            version: 1, loadedAt: loadedAt, loadedBy: .startup, files: policy.files, warnings: policy.warnings)
        attemptedFingerprint = PolicyFingerprint(sources: sources)
        metrics.recordSuccess(at: loadedAt, version: 1)
        for warning in policy.warnings { logger.warning("\(warning)") }
        logger.info("policy loaded", metadata: ["files": "\(policy.files.joined(separator: ","))"])
    }

    /// The live policy; each call may see a newer one after a reload.
    public var policy: Policy {
        lock.withLock { livePolicy }
    }

    /// The live policy's version, when it was loaded, and the last error if the last reload failed.
    public var status: PolicyReloadStatus {
        lock.withLock { liveStatus }
    }

    /// Re-reads and validates the folder; swaps the result in when valid, keeps the live policy otherwise.
    @discardableResult
    public func reload(trigger: PolicyReloadStatus.Trigger) async -> PolicyReloadStatus {
        await withCheckedContinuation { continuation in
            loadQueue.async {
                continuation.resume(returning: self.reloadNow(trigger: trigger))
            }
        }
    }

    /// The fingerprint of the files the last load attempt read.
    var lastAttemptedFingerprint: PolicyFingerprint {
        lock.withLock { attemptedFingerprint }
    }

    /// Computes the folder's fingerprint on the load queue (it reads files that changed).
    func currentFingerprint(cache: [String: (PolicyDirectory.FileStamp, Int)])
        async -> (PolicyFingerprint, [String: (PolicyDirectory.FileStamp, Int)])
    {
        await withCheckedContinuation { continuation in
            loadQueue.async {
                var cache = cache
                let fingerprint = self.directory.fingerprint(cache: &cache)
                continuation.resume(returning: (fingerprint, cache))
            }
        }
    }

    private func reloadNow(trigger: PolicyReloadStatus.Trigger) -> PolicyReloadStatus {
        let sources: [PolicySource]
        let result: Result<Policy, PolicyLoadError>
        do {
            sources = try directory.read()
            result = Result { () throws(PolicyLoadError) in try PolicyLoader.load(sources) }
        } catch {
            var cache: [String: (PolicyDirectory.FileStamp, Int)] = [:]
            sources = []
            result = .failure(error)
            lock.withLock { attemptedFingerprint = directory.fingerprint(cache: &cache) }
        }
        let attemptedAt = now()
        switch result {
        case .success(let policy):
            let status = lock.withLock {
                livePolicy = policy
                attemptedFingerprint = PolicyFingerprint(sources: sources)
                liveStatus = PolicyReloadStatus(
                    version: liveStatus.version + 1, loadedAt: attemptedAt, loadedBy: trigger, files: policy.files,
                    warnings: policy.warnings)
                return liveStatus
            }
            metrics.recordSuccess(at: attemptedAt, version: status.version)
            for warning in policy.warnings { logger.warning("\(warning)") }
            logger.info(
                "policy reloaded",
                metadata: ["version": "\(status.version)", "trigger": "\(trigger.rawValue)"])
            return status
        case .failure(let error):
            let failure = PolicyReloadStatus.Failure(
                failedAt: attemptedAt, trigger: trigger, diagnostics: error.diagnostics)
            let status = lock.withLock {
                if !sources.isEmpty { attemptedFingerprint = PolicyFingerprint(sources: sources) }
                liveStatus.lastError = failure
                return liveStatus
            }
            metrics.recordFailure()
            logger.error(
                "policy reload rejected; the previous policy stays in force",
                metadata: ["trigger": "\(trigger.rawValue)", "version": "\(status.version)"])
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            return status
        }
    }
}
