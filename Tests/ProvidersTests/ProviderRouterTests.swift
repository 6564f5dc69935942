import Locking
import Providers
import Testing

@Suite struct ProviderRouterTests {
    let request = GenerationRequest(prompt: "a lighthouse", seed: 7)

    @Test func firstHealthyProviderAnswers() async throws {
        let remote = ScriptedProvider.succeeding("remote")
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(providers: [remote, local])
        let result = try await router.generate(request, chain: ["remote", "local"])
        #expect(result.provider == "remote")
        #expect(result.attempts.map(\.outcome) == [.succeeded])
        #expect(result.attempts.first?.paidSeconds == 1.5)
        #expect(local.callCount == 0)
    }

    @Test func failsOverOnProviderFaultsAndReportsEveryAttempt() async throws {
        let remote = ScriptedProvider.failing("remote", with: .unavailable("HTTP 502", paidSeconds: 0.4))
        let local = ScriptedProvider.succeeding("local", paidSeconds: nil)
        let router = ProviderRouter(providers: [remote, local])
        let reported = LockedState<[AttemptReport]>([])
        let result = try await router.generate(
            request, chain: ["remote", "local"],
            onAttempt: { report in
                reported.withLock { $0.append(report) }
            })
        #expect(result.provider == "local")
        #expect(result.attempts.map(\.outcome) == [.failed(reason: "unavailable"), .succeeded])
        #expect(result.attempts.first?.paidSeconds == 0.4)
        #expect(reported.withLock { $0 } == result.attempts)
    }

    @Test func neverFailsOverOnTheCallersFault() async throws {
        let remote = ScriptedProvider.failing("remote", with: .rejected("prompt too long"))
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(providers: [remote, local])
        await #expect(throws: ProviderError.self) {
            try await router.generate(request, chain: ["remote", "local"])
        }
        #expect(local.callCount == 0)
        #expect(router.circuitStates()["remote"] == .closed(consecutiveFailures: 0))
    }

    @Test func startDeadlineCatchesASlowColdStart() async throws {
        let remote = ScriptedProvider.hanging("remote", acknowledge: false)
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(
            providers: [remote, local],
            deadlines: ["remote": ProviderDeadlines(start: .milliseconds(100), total: .seconds(30))])
        let result = try await router.generate(request, chain: ["remote", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .failed(reason: "timed_out"))
        #expect(result.attempts.first?.detail?.contains("did not start") == true)
    }

    @Test func totalDeadlineCatchesAHungJob() async throws {
        let remote = ScriptedProvider.hanging("remote", acknowledge: true)
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(
            providers: [remote, local],
            deadlines: ["remote": ProviderDeadlines(start: .milliseconds(100), total: .milliseconds(300))])
        let result = try await router.generate(request, chain: ["remote", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.detail?.contains("did not finish") == true)
    }

    @Test func busyProviderFailsOverWithoutHurtingItsHealth() async throws {
        let local = ScriptedProvider.failing("local", with: .busy("queue full"))
        let remote = ScriptedProvider.succeeding("remote")
        let router = ProviderRouter(providers: [local, remote], breaker: CircuitBreaker(failureThreshold: 1))
        for _ in 0..<3 {
            let result = try await router.generate(request, chain: ["local", "remote"])
            #expect(result.provider == "remote")
        }
        #expect(router.circuitStates()["local"] == .closed(consecutiveFailures: 0))
        #expect(local.callCount == 3)
    }

    @Test func openCircuitSkipsTheProvider() async throws {
        let remote = ScriptedProvider.failing("remote", with: .invalidReply("not JSON"))
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(
            providers: [remote, local], breaker: CircuitBreaker(failureThreshold: 2, cooldown: .seconds(60)))
        _ = try await router.generate(request, chain: ["remote", "local"])
        _ = try await router.generate(request, chain: ["remote", "local"])
        let third = try await router.generate(request, chain: ["remote", "local"])
        #expect(remote.callCount == 2)
        #expect(third.attempts.first?.outcome == .skipped(reason: "circuit_open"))
        guard case .open = router.circuitStates()["remote"] else {
            Issue.record("expected the remote circuit to be open")
            return
        }
    }

    @Test func allProvidersFailingIsANoProviderError() async throws {
        let remote = ScriptedProvider.failing("remote", with: .unavailable("connection refused"))
        let local = ScriptedProvider.failing("local", with: .busy("queue full"))
        let router = ProviderRouter(providers: [remote, local])
        do {
            _ = try await router.generate(request, chain: ["remote", "local"])
            Issue.record("expected a routing error")
        } catch let error as RoutingError {
            #expect(error.reason == "no_provider_available")
            #expect(!error.isCallerFault)
            #expect(error.attempts.count == 2)
        }
    }

    @Test func hintIsTriedFirstWhenTheChainAllowsIt() async throws {
        let remote = ScriptedProvider.succeeding("remote")
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(providers: [remote, local])
        let result = try await router.generate(request, chain: ["remote", "local"], hint: "local")
        #expect(result.provider == "local")
        #expect(remote.callCount == 0)
    }

    @Test func hintOutsideTheChainIsRefused() async throws {
        let router = ProviderRouter(providers: [ScriptedProvider.succeeding("remote")])
        do {
            _ = try await router.generate(request, chain: ["remote"], hint: "premium")
            Issue.record("expected a routing error")
        } catch let error as RoutingError {
            #expect(error.reason == "provider_not_allowed")
            #expect(error.isCallerFault)
        }
    }

    @Test func requestBeyondEveryProvidersCapabilitiesIsRefused() async throws {
        let small = ScriptedProvider(
            "small", capabilities: .init(maxWidth: 512, maxHeight: 512, maxSteps: 50, schedulers: [])
        ) {
            request, _ in GeneratedImage(data: [], seed: request.seed)
        }
        let router = ProviderRouter(providers: [small])
        var large = request
        large.width = 1024
        do {
            _ = try await router.generate(large, chain: ["small"])
            Issue.record("expected a routing error")
        } catch let error as RoutingError {
            #expect(error.reason == "unsupported_request")
        }
        #expect(small.callCount == 0)
    }

    @Test func cancellationStopsTheJobAndIsReported() async throws {
        let remote = ScriptedProvider.hanging("remote", acknowledge: true)
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(providers: [remote, local])
        let reported = LockedState<[AttemptReport]>([])
        let job = Task {
            try await router.generate(
                request, chain: ["remote", "local"],
                onAttempt: { report in
                    reported.withLock { $0.append(report) }
                })
        }
        for _ in 0..<200 where remote.callCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        job.cancel()
        await #expect(throws: CancellationError.self) { try await job.value }
        #expect(reported.withLock { $0.map(\.outcome) } == [.cancelled])
        #expect(local.callCount == 0)
    }
}

@Suite struct ProviderRouterAdmissionTests {
    @Test func refusedProviderIsSkippedWithTheReasonAndNotCalled() async throws {
        let remote = ScriptedProvider.succeeding("remote")
        let local = ScriptedProvider.succeeding("local")
        let router = ProviderRouter(providers: [remote, local])
        let result = try await router.generate(
            GenerationRequest(prompt: "x", seed: 1), chain: ["remote", "local"],
            admit: { name in
                name == "remote" ? .budgetExhausted("remote spent $50.00 of its $50.00 monthly budget") : nil
            })
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .skipped(reason: "budget_exhausted"))
        #expect(result.attempts.first?.detail?.contains("monthly budget") == true)
        #expect(remote.callCount == 0)
        #expect(router.circuitStates()["remote"] == .closed(consecutiveFailures: 0))
    }
}
