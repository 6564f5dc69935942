import Foundation
import LocalProvider
import Locking
import Providers
import Synchronization
import Testing

/// The engine behind the gateway's provider protocol, on the tiny full-vocabulary fixture model.
@Suite struct LocalImageProviderTests {
    static func provider(queueCapacity: Int = 4, modelPath: String? = nil) throws -> LocalImageProvider {
        LocalImageProvider(
            name: "local",
            configuration: .init(
                modelPath: try modelPath ?? ReferenceData.url("pipeline/narrow").path,
                tokenizerPath: try ReferenceData.url("bpe_simple_vocab_16e6.txt.gz").path,
                queueCapacity: queueCapacity, idleUnload: .seconds(60)))
    }

    let request = GenerationRequest(
        prompt: "a red bicycle", width: 32, height: 32, steps: 3, seed: 9, scheduler: "euler")

    @Test func loadsOnFirstUseAndMakesAPNG() async throws {
        let local = try Self.provider()
        #expect(local.unreadyReason() == nil)
        #expect(!local.isLoaded)
        let events = LockedState<[GenerationProgress]>([])
        let image = try await local.generate(request) { event in events.withLock { $0.append(event) } }
        #expect(local.isLoaded)
        let size = try #require(ImageCheck.dimensions(of: image.data)?.size)
        #expect(size.width == 32 && size.height == 32)
        #expect(image.seed == 9)
        #expect(events.withLock { $0 } == [.started, .step(1, of: 3), .step(2, of: 3), .step(3, of: 3)])
    }

    @Test func unloadsWhenIdleAndReloadsOnDemand() async throws {
        let local = try Self.provider()
        _ = try await local.generate(request) { _ in }
        #expect(!local.unloadIfIdle(now: .now))
        #expect(local.unloadIfIdle(now: .now + .seconds(61)))
        #expect(!local.isLoaded)
        _ = try await local.generate(request) { _ in }
        #expect(local.isLoaded)
    }

    @Test func cancellationStopsWithinOneStepAndFreesTheSlot() async throws {
        let local = try Self.provider(queueCapacity: 1)
        var long = request
        long.steps = 400
        let steps = Atomic<Int>(0)
        let job = Task {
            try await local.generate(long) { event in if case .step = event { steps.add(1, ordering: .relaxed) } }
        }
        for _ in 0..<2000 where steps.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let error = await #expect(throws: ProviderError.self) { try await local.generate(request) { _ in } }
        #expect(error?.reason == "busy")
        job.cancel()
        let cancelledAt = steps.load(ordering: .relaxed)
        await #expect(throws: CancellationError.self) { try await job.value }
        #expect(steps.load(ordering: .relaxed) <= cancelledAt + 1)
        _ = try await local.generate(request) { _ in }
    }

    @Test func busyLocalProviderMakesTheRouterFailOver() async throws {
        let local = try Self.provider(queueCapacity: 1)
        var long = request
        long.steps = 400
        let started = Atomic<Bool>(false)
        let job = Task { try await local.generate(long) { _ in started.store(true, ordering: .relaxed) } }
        for _ in 0..<2000 where !started.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        let backup = try Self.provider()
        let router = ProviderRouter(providers: [local, RenamedProvider(name: "backup", wrapping: backup)])
        let result = try await router.generate(request, chain: ["local", "backup"])
        #expect(result.provider == "backup")
        #expect(result.attempts.first?.outcome == .failed(reason: "busy"))
        job.cancel()
        _ = try? await job.value
    }

    @Test func requestsTheModelCannotServeAreTheCallersFault() async throws {
        let local = try Self.provider()
        var unknownScheduler = request
        unknownScheduler.scheduler = "heun"
        var oddSize = request
        oddSize.width = 30
        for bad in [unknownScheduler, oddSize] {
            let error = await #expect(throws: ProviderError.self) { try await local.generate(bad) { _ in } }
            #expect(error?.isCallerFault == true)
        }
    }

    @Test func missingWeightsAreReportedAndFailOver() async throws {
        let local = try Self.provider(modelPath: "/nonexistent/models/sd-v1-5")
        #expect(local.unreadyReason()?.contains("no weights at /nonexistent/models/sd-v1-5") == true)
        let error = await #expect(throws: ProviderError.self) { try await local.generate(request) { _ in } }
        #expect(error?.reason == "unavailable")
    }
}

/// Test double: another provider under a different name (two engines on one model).
struct RenamedProvider: ImageProvider {
    let name: String
    let wrapping: any ImageProvider
    var capabilities: ProviderCapabilities { wrapping.capabilities }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        try await wrapping.generate(request, progress: progress)
    }
}
