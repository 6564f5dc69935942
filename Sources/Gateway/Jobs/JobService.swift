import AuthKit
import Foundation
import Logging
import Providers

/// What the API does with jobs: accept one (validate, check a provider can take it, reserve quota, store,
/// queue), look one up for its owner, wait for one to finish, and cancel one.
final class JobService: Sendable {
    let store: any JobStore
    let ledger: any QuotaLedger
    let runner: JobRunner
    let executor: JobExecutor
    let catalog: ProviderCatalog
    let hub: JobEventHub
    /// Reaches jobs running on other instances of a shared store; nil for SQLite.
    let channel: (any JobSignalChannel)?
    let metrics: GatewayMetrics
    let now: @Sendable () -> Date

    init(
        store: any JobStore, ledger: any QuotaLedger, runner: JobRunner, executor: JobExecutor,
        catalog: ProviderCatalog, hub: JobEventHub, channel: (any JobSignalChannel)? = nil, metrics: GatewayMetrics,
        now: @escaping @Sendable () -> Date
    ) {
        self.store = store
        self.ledger = ledger
        self.runner = runner
        self.executor = executor
        self.catalog = catalog
        self.hub = hub
        self.channel = channel
        self.metrics = metrics
        self.now = now
    }

    /// A job as the caller sees it after submitting: the new one, or the original one of an idempotent retry.
    struct Submission: Sendable {
        var job: Job
        var isNew: Bool
    }

    func submit(
        _ parameters: GenerationParameters, identity: Identity, access: Access, idempotencyKey: String?
    ) async throws -> Submission {
        let chain = access.tier.providerChain
        let request = try parameters.validated(for: access.tier.limits, chain: chain) {
            UInt64.random(in: 0...UInt64(UInt32.max))
        }
        let snapshot = catalog.snapshot(for: access.policy.providers)
        try Self.checkAvailability(request, chain: chain, hint: parameters.provider, snapshot: snapshot)
        guard runner.hasRoom else { throw GatewayError.queueFull() }
        let date = now()
        let jobID = JobID("gen_" + Self.randomHex(24))
        let email = identity.email?.lowercased()
        let outcome: ReservationOutcome
        do {
            outcome = try await ledger.reserve(
                ReservationRequest(
                    jobID: jobID, user: access.user, email: email, limits: access.tier.limits,
                    estimateMicros: ProviderCatalog.worstCaseMicros(chain: chain, in: snapshot),
                    idempotency: idempotencyKey.map { .init(key: $0, requestHash: parameters.fingerprint) }, now: date))
        } catch let error as LedgerError where error.reason == "idempotency_conflict" {
            throw GatewayError.idempotencyConflict(key: idempotencyKey ?? "")
        } catch let error as StoreError where error.isUnavailable {
            // Fail closed: without the shared ledger no quota can be checked, so no job is accepted.
            throw GatewayError.notReady("the quota ledger is unreachable; no job was accepted, try again shortly")
        }
        switch outcome {
        case .denied(let denial):
            metrics.recordQuotaDenial(window: denial.window.rawValue)
            throw GatewayError.quotaExceeded(
                window: denial.window.rawValue, limit: denial.limit, retryAfter: denial.retryAfterSeconds(now: date))
        case .duplicate(let reservation):
            guard let job = try await store.job(reservation.jobID, user: access.user) else {
                throw GatewayError.idempotencyConflict(key: idempotencyKey ?? "")
            }
            return Submission(job: job, isNew: false)
        case .admitted:
            let job = Job(
                id: jobID, user: access.user, email: email, request: request, providerHint: parameters.provider,
                idempotencyKey: idempotencyKey, status: .queued, progressStep: 0, progressTotal: request.steps,
                provider: nil, createdAt: date, costMicros: 0)
            do {
                try await store.insert(job)
            } catch {
                _ = try? await ledger.refund(jobID: jobID, reason: "the job could not be stored", now: now())
                if let error = error as? StoreError, error.isUnavailable {
                    throw GatewayError.notReady("the job store is unreachable; no job was accepted, try again shortly")
                }
                throw error
            }
            switch runner.enqueue(QueuedJob(job: job, chain: chain)) {
            case .queued: break
            case .full:
                await executor.interruptQueued(job)
                throw GatewayError.queueFull()
            case .stopped:
                await executor.interruptQueued(job)
                throw GatewayError.notReady("the gateway is shutting down; try again shortly")
            }
            return Submission(job: job, isNew: true)
        }
    }

    /// The job, when it exists and belongs to `user` (404 otherwise, so ids of others reveal nothing).
    func job(_ id: String, user: UserKey) async throws -> Job {
        guard let job = try await store.job(JobID(id), user: user) else {
            throw GatewayError.notFound("no generation with id '\(id)'")
        }
        return job
    }

    /// Waits until the job has finished, for at most `timeout`; returns the job as it is then.
    func waitUntilFinished(_ job: Job, timeout: Duration) async throws -> Job {
        let events = hub.subscribe(job.id)
        if let current = try await store.job(job.id), current.status.isFinished { return current }
        let finished = await withTaskGroup(of: Job?.self) { group in
            group.addTask {
                for await event in events {
                    if case .finished(let job) = event { return job }
                }
                return nil
            }
            group.addTask {
                try? await TimerQueue.shared.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let finished { return finished }
        return try await store.job(job.id) ?? job
    }

    /// Cancels the job: a queued one is closed and refunded at once, a running one is stopped (unpaid work
    /// refunded). A finished one is returned as it is.
    func cancel(_ id: String, user: UserKey) async throws -> Job {
        var job = try await job(id, user: user)
        guard !job.status.isFinished else { return job }
        if job.status == .queued {
            await executor.closeUnstarted(
                job,
                outcome: JobOutcome(
                    status: .cancelled, provider: nil, costMicros: 0, errorCode: "cancelled",
                    errorMessage: "the job was cancelled before it started; it was not charged"),
                reason: "cancelled before it started")
            job = try await self.job(id, user: user)
            if job.status.isFinished { return job }
        }
        if !runner.cancelRunning(job.id), let channel {
            try await channel.requestCancel(job.id)
        }
        return try await waitUntilFinished(job, timeout: .seconds(10))
    }

    /// Refuses a job no provider could take: 503 when the chain's providers are unusable or their circuits
    /// are open, 422 when none of them can make this request.
    static func checkAvailability(
        _ request: GenerationRequest, chain: [String], hint: String?, snapshot: ProviderCatalog.Snapshot
    ) throws(GatewayError) {
        let built = chain.compactMap { snapshot.providers[$0] }
        guard !built.isEmpty else {
            let reasons = chain.map { "\($0): \(snapshot.unusable[$0] ?? "not configured")" }
            throw .noProviderAvailable(
                "none of your tier's providers can be used now (\(reasons.joined(separator: "; ")))")
        }
        let capable = built.filter { $0.capabilities.accepts(request) }
        guard !capable.isEmpty else {
            throw .invalidParameter(
                "width",
                "no provider available to you can make a \(request.width)x\(request.height) image in "
                    + "\(request.steps) steps\(request.scheduler.map { " with scheduler \($0)" } ?? "")")
        }
        let states = snapshot.router.circuitStates()
        let instant = ContinuousClock.now
        let allOpen = capable.allSatisfy { provider in
            if case .open(let until) = states[provider.name], until > instant { return true }
            return false
        }
        if allOpen {
            throw .noProviderAvailable("every provider available to you is failing right now; try again shortly")
        }
    }

    static func randomHex(_ count: Int) -> String {
        var text = ""
        while text.count < count { text += String(UInt64.random(in: 0...UInt64.max), radix: 16) }
        return String(text.prefix(count))
    }
}
