import Foundation
import Logging
import Providers

/// Carries one job from running to finished: routes it through the providers, records each attempt in the
/// ledger as it ends, publishes progress, and closes the reservation (settle with the real cost, or refund when
/// no paid work happened).
struct JobExecutor: Sendable {
    let store: any JobStore
    let ledger: any QuotaLedger
    let catalog: ProviderCatalog
    let policies: any LivePolicy
    let hub: JobEventHub
    let metrics: GatewayMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// What is written in order beside a running generation.
    private enum SideEvent: Sendable {
        case progress(step: Int, total: Int)
        case attempt(AttemptRecord)
    }

    /// Runs the job; `isShuttingDown` tells a cancellation by shutdown (interrupted) from one by the user.
    func execute(_ item: QueuedJob, isShuttingDown: @escaping @Sendable () -> Bool) async {
        let job = item.job
        do {
            guard try await store.markRunning(job.id, at: now()) else { return }
        } catch {
            logger.error("could not start job", metadata: ["job": "\(job.id)", "error": "\(error)"])
            return
        }
        hub.publish(.started, for: job.id)
        let snapshot = catalog.snapshot(for: policies.policy.providers)
        let (sideEvents, sideSink) = AsyncStream.makeStream(of: SideEvent.self)
        let writer = Task { [store, ledger, logger] in
            for await event in sideEvents {
                do {
                    switch event {
                    case .progress(let step, let total):
                        try await store.updateProgress(job.id, step: step, total: total, provider: nil)
                    case .attempt(let record):
                        try await ledger.recordAttempt(record, jobID: job.id)
                    }
                } catch {
                    logger.error("could not record job event", metadata: ["job": "\(job.id)", "error": "\(error)"])
                }
            }
        }
        let started = now()
        let clock = ContinuousClock()
        let startInstant = clock.now
        let result: Result<RoutedImage, any Error>
        do {
            let routed = try await snapshot.router.generate(
                job.request, chain: item.chain, hint: job.providerHint,
                progress: { [hub] event in
                    switch event {
                    case .step(let step, let total):
                        hub.publish(.progress(step: step, total: total), for: job.id)
                        sideSink.yield(.progress(step: step, total: total))
                    case .queued: hub.publish(.waiting, for: job.id)
                    case .started: break
                    }
                },
                admit: { [ledger, now, hub] name in
                    let refusal = await Self.budgetRefusal(
                        provider: name, snapshot: snapshot, ledger: ledger, now: now())
                    if refusal == nil { hub.publish(.attempting(provider: name), for: job.id) }
                    return refusal
                },
                onAttempt: { [metrics, hub] report in
                    metrics.recordAttempt(report)
                    switch report.outcome {
                    case .failed(let reason), .skipped(let reason):
                        hub.publish(.attemptFailed(provider: report.provider, reason: reason), for: job.id)
                    case .succeeded, .cancelled: break
                    }
                    sideSink.yield(.attempt(Self.record(report, snapshot: snapshot, endedAt: Date())))
                })
            result = .success(routed)
        } catch {
            result = .failure(error)
        }
        sideSink.finish()
        await writer.value
        let outcome = await close(job, result: result, cancelledByShutdown: isShuttingDown())
        if case .success = result {
            metrics.recordGeneration(seconds: (clock.now - startInstant).seconds)
        }
        metrics.recordJob(provider: outcome.provider ?? "none", outcome: outcome.status.rawValue)
        metrics.recordSpend(micros: outcome.costMicros, provider: outcome.provider ?? "none")
        logger.info(
            "job finished",
            metadata: [
                "job": "\(job.id)", "status": "\(outcome.status.rawValue)", "provider": "\(outcome.provider ?? "-")",
                "cost_micros": "\(outcome.costMicros)", "started": "\(started)",
            ])
    }

    /// Records a job that never started because the gateway is stopping.
    func interruptQueued(_ job: Job) async {
        let outcome = JobOutcome(
            status: .interrupted, provider: nil, costMicros: 0, errorCode: "interrupted",
            errorMessage: "the gateway stopped before the job started; it was not charged")
        await closeUnstarted(job, outcome: outcome, reason: "interrupted by shutdown before it started")
    }

    /// Closes a job that never reached a provider (cancelled while queued, or stopped by shutdown).
    func closeUnstarted(_ job: Job, outcome: JobOutcome, reason: String) async {
        do {
            guard try await store.finish(job.id, outcome, at: now()) else { return }
            _ = try await ledger.refund(jobID: job.id, reason: reason, now: now())
        } catch {
            logger.error("could not close job", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        metrics.recordJob(provider: "none", outcome: outcome.status.rawValue)
        await publishFinished(job.id)
    }

    /// Stores the job's end with its charge, then closes its reservation: settled when it made an image or did
    /// paid work, refunded otherwise.
    ///
    /// In that order because they are two writes: a crash between them leaves a finished job (its image kept) with
    /// a held reservation, which the next start releases charging the same recorded attempts. The other order
    /// could leave a settled charge for a job that the restart then marks interrupted, its image lost.
    private func close(_ job: Job, result: Result<RoutedImage, any Error>, cancelledByShutdown: Bool) async
        -> JobOutcome
    {
        var outcome: JobOutcome
        switch result {
        case .success(let routed):
            outcome = JobOutcome(
                status: .succeeded, provider: routed.provider, costMicros: 0, image: routed.image.data,
                imageMediaType: routed.image.mediaType)
        case .failure(let error):
            outcome = Self.failureOutcome(error, cancelledByShutdown: cancelledByShutdown)
        }
        var settles = outcome.status == .succeeded
        do {
            // Every attempt is recorded by now; the charge is the one the ledger's settle computes from them.
            let attempts = try await ledger.attempts(jobID: job.id)
            if outcome.status != .succeeded {
                outcome.provider = attempts.last(where: { $0.durationMilliseconds > 0 })?.provider
                settles = attempts.contains(where: { $0.costMicros > 0 })
            }
            if settles, let reservation = try await ledger.reservation(jobID: job.id) {
                outcome.costMicros =
                    LedgerRules.charge(
                        attempts: attempts, chargesFailedAttempts: reservation.chargesFailedAttempts
                    ).micros
            }
        } catch {
            logger.error("could not read the job's attempts", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        do {
            _ = try await store.finish(job.id, outcome, at: now())
        } catch {
            logger.error("could not store the job's end", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        do {
            if settles {
                _ = try await ledger.settle(jobID: job.id, now: now())
            } else {
                _ = try await ledger.refund(jobID: job.id, reason: outcome.errorCode ?? "failed", now: now())
            }
        } catch {
            logger.error(
                "could not close the job's reservation", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        await publishFinished(job.id)
        return outcome
    }

    private func publishFinished(_ id: JobID) async {
        if let finished = try? await store.job(id) { hub.publish(.finished(finished), for: id) }
    }

    private static func failureOutcome(_ error: any Error, cancelledByShutdown: Bool) -> JobOutcome {
        func failed(_ status: JobStatus, _ code: String, _ message: String) -> JobOutcome {
            JobOutcome(status: status, provider: nil, costMicros: 0, errorCode: code, errorMessage: message)
        }
        switch error {
        case is CancellationError where cancelledByShutdown:
            return failed(
                .interrupted, "interrupted", "the gateway stopped while the job ran; unpaid work was refunded")
        case is CancellationError:
            return failed(.cancelled, "cancelled", "the job was cancelled; unpaid work was refunded")
        case let error as RoutingError:
            return failed(.failed, error.reason, error.message)
        case let error as ProviderError where error.isCallerFault:
            return failed(.failed, "provider_rejected", "the provider refused the request: \(error.detail)")
        default:
            return failed(.failed, "provider_error", "the provider failed: \(error)")
        }
    }

    /// The ledger's record of a router attempt: paid time as the provider reports it, else the wall time.
    /// `budget_exhausted` when the provider's recorded attempts this UTC month have reached its
    /// `budget_per_month_usd`; nil when it has no budget or room left (attempts still running are not counted).
    static func budgetRefusal(
        provider: String, snapshot: ProviderCatalog.Snapshot, ledger: any QuotaLedger, now: Date
    ) async -> ProviderError? {
        guard let budget = snapshot.definition(provider)?.monthlyBudgetMicros else { return nil }
        let monthStart = Date(
            timeIntervalSince1970: TimeInterval(UTCCalendar.monthStart(Int64(now.timeIntervalSince1970))))
        guard let spent = try? await ledger.providerCost(provider: provider, since: monthStart), spent >= budget else {
            return nil
        }
        return .budgetExhausted(
            "\(provider) has cost $\(MicroDollars.format(spent)) this month, its budget is $\(MicroDollars.format(budget))"
        )
    }

    static func record(_ report: AttemptReport, snapshot: ProviderCatalog.Snapshot, endedAt: Date) -> AttemptRecord {
        let durationMs = report.duration.milliseconds
        let outcome: AttemptRecord.Outcome
        var paidMs = report.paidSeconds.map { Int64(($0 * 1000).rounded()) } ?? durationMs
        switch report.outcome {
        case .succeeded: outcome = .succeeded
        case .cancelled: outcome = .cancelled
        case .failed(let reason): outcome = reason == "timed_out" ? .timedOut : .failed
        case .skipped:
            outcome = .failed
            paidMs = 0
        }
        if report.paidSeconds == nil, outcome != .succeeded { paidMs = 0 }
        let price = snapshot.definition(report.provider)?.pricePerSecondMicros ?? 0
        let (product, overflow) = max(0, paidMs).multipliedReportingOverflow(by: price)
        let cost =
            overflow ? SQLiteQuotaLedger.maximumMicros : min(SQLiteQuotaLedger.maximumMicros, (product + 500) / 1000)
        let detail: String? =
            switch report.outcome {
            case .skipped(let reason): "skipped: \(reason)"
            case .failed(let reason): report.detail.map { "\(reason): \($0)" } ?? reason
            default: report.detail
            }
        return AttemptRecord(
            provider: report.provider, outcome: outcome,
            startedAt: endedAt.addingTimeInterval(-Double(durationMs) / 1000),
            durationMilliseconds: durationMs, paidMilliseconds: max(0, paidMs), costMicros: cost, detail: detail)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
