import Locking
import Synchronization

/// Sends each job along a chain of providers, failing over on provider faults, with a circuit breaker
/// and deadlines per provider. It never fails over on the caller's own fault, and it reports every
/// attempt so the ledger can charge the user once.
public final class ProviderRouter: Sendable {
    private let providers: [String: any ImageProvider]
    private let deadlines: [String: ProviderDeadlines]
    private let defaultDeadlines: ProviderDeadlines
    private let breakers: LockedState<[String: CircuitBreaker]>

    /// - Parameters:
    ///   - providers: every provider the policy configures, by unique name.
    ///   - deadlines: per-provider deadlines; others get `defaultDeadlines`.
    ///   - breaker: the initial breaker each provider starts with (threshold and cooldown).
    public init(
        providers: [any ImageProvider], deadlines: [String: ProviderDeadlines] = [:],
        defaultDeadlines: ProviderDeadlines = .init(), breaker: CircuitBreaker = .init()
    ) {
        self.providers = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.deadlines = deadlines
        self.defaultDeadlines = defaultDeadlines
        self.breakers = LockedState(Dictionary(uniqueKeysWithValues: self.providers.keys.map { ($0, breaker) }))
    }

    /// The names of the configured providers.
    public var providerNames: [String] { providers.keys.sorted() }

    /// Each provider's circuit state, for metrics and the admin API.
    public func circuitStates() -> [String: CircuitBreaker.State] {
        breakers.withLock { $0.mapValues(\.state) }
    }

    /// Generates an image with the first provider in `chain` that can, trying the caller's `hint` first
    /// when the chain allows it. `admit` may refuse a provider before it is tried (e.g. its budget is spent,
    /// `ProviderError.budgetExhausted`); a refused provider is reported as skipped with that reason.
    ///
    /// - Throws: `ProviderError` when a provider rejects the request as invalid (the caller's fault),
    ///   `RoutingError` when no provider could make the image or the hint is not allowed,
    ///   `CancellationError` when the task is cancelled.
    public func generate(
        _ request: GenerationRequest, chain: [String], hint: String? = nil,
        progress: @escaping ProgressHandler = { _ in },
        admit: @Sendable (String) async -> ProviderError? = { _ in nil },
        onAttempt: @escaping @Sendable (AttemptReport) -> Void = { _ in }
    ) async throws -> RoutedImage {
        let order = try Self.order(chain: chain, hint: hint)
        let capable = order.filter { providers[$0]?.capabilities.accepts(request) ?? false }
        guard !capable.isEmpty else {
            throw RoutingError.unsupportedRequest(
                "no provider available to you can make a \(request.width)x\(request.height) image in "
                    + "\(request.steps) steps\(request.scheduler.map { " with scheduler \($0)" } ?? "")")
        }

        var attempts: [AttemptReport] = []
        func record(_ report: AttemptReport) {
            attempts.append(report)
            onAttempt(report)
        }
        for name in capable {
            guard let provider = providers[name] else { continue }
            if let refusal = await admit(name) {
                record(
                    AttemptReport(
                        provider: name, outcome: .skipped(reason: refusal.reason), duration: .zero,
                        detail: refusal.detail))
                continue
            }
            if case .reject = breakers.withLock({ $0[name, default: CircuitBreaker()].acquire(now: .now) }) {
                record(AttemptReport(provider: name, outcome: .skipped(reason: "circuit_open"), duration: .zero))
                continue
            }
            let started = ContinuousClock.now
            do {
                let image = try await attempt(provider, request, progress: progress)
                updateBreaker(name) { breaker, _ in breaker.recordSuccess() }
                record(
                    AttemptReport(
                        provider: name, outcome: .succeeded, duration: .now - started,
                        paidSeconds: image.executionSeconds))
                return RoutedImage(image: image, provider: name, attempts: attempts)
            } catch {
                let duration = ContinuousClock.now - started
                if Task.isCancelled {
                    updateBreaker(name) { breaker, _ in breaker.recordAbandoned() }
                    record(AttemptReport(provider: name, outcome: .cancelled, duration: duration))
                    throw CancellationError()
                }
                let providerError = error as? ProviderError
                record(
                    AttemptReport(
                        provider: name, outcome: .failed(reason: providerError?.reason ?? "error"),
                        duration: duration, paidSeconds: providerError?.paidSeconds, detail: "\(error)"))
                if let providerError, providerError.isCallerFault {
                    updateBreaker(name) { breaker, _ in breaker.recordSuccess() }
                    throw providerError
                }
                if providerError?.countsAgainstHealth ?? true {
                    updateBreaker(name) { breaker, now in breaker.recordFailure(now: now) }
                } else {
                    updateBreaker(name) { breaker, _ in breaker.recordAbandoned() }
                }
            }
        }
        throw RoutingError.noProviderAvailable(attempts)
    }

    /// The chain with the hint moved to the front, when the chain allows it.
    static func order(chain: [String], hint: String?) throws -> [String] {
        guard let hint else { return chain }
        guard chain.contains(hint) else { throw RoutingError.providerNotAllowed(hint, allowed: chain) }
        return [hint] + chain.filter { $0 != hint }
    }

    private func updateBreaker(_ name: String, _ update: (inout CircuitBreaker, ContinuousClock.Instant) -> Void) {
        breakers.withLock { update(&$0[name, default: CircuitBreaker()], .now) }
    }

    /// Runs one provider under its start and total deadlines.
    private func attempt(
        _ provider: any ImageProvider, _ request: GenerationRequest, progress: @escaping ProgressHandler
    ) async throws -> GeneratedImage {
        let limits = deadlines[provider.name] ?? defaultDeadlines
        let acknowledged = AcknowledgementFlag()
        return try await withThrowingTaskGroup(of: GeneratedImage.self) { group in
            group.addTask {
                try await provider.generate(request) { event in
                    if event != .queued { acknowledged.set() }
                    progress(event)
                }
            }
            group.addTask {
                if let start = limits.start, start < limits.total {
                    try await TimerQueue.shared.sleep(for: start)
                    if !acknowledged.isSet {
                        throw ProviderError.timedOut("\(provider.name) did not start the job within \(start)")
                    }
                    try await TimerQueue.shared.sleep(for: limits.total - start)
                } else {
                    try await TimerQueue.shared.sleep(for: limits.total)
                }
                throw ProviderError.timedOut("\(provider.name) did not finish within \(limits.total)")
            }
            defer { group.cancelAll() }
            guard let image = try await group.next() else { throw CancellationError() }
            return image
        }
    }
}

/// Set once the provider shows a sign of life for the current attempt.
private final class AcknowledgementFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
