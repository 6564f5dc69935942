import Foundation
import HummingbirdTesting
import Providers
import Synchronization
import Testing
import Worker

/// A gateway's banana adapter talking to a self-hosted worker over loopback.
@Suite struct WorkerTests {
    static let apiKey = "worker-key-123"
    let request = GenerationRequest(prompt: "a castle", width: 16, height: 16, steps: 3, seed: 5)

    func withWorker(
        provider: any ImageProvider, queueCapacity: Int = 4,
        _ body: @Sendable (_ baseURL: String) async throws -> Void
    ) async throws {
        let app = buildWorkerApplication(
            provider: provider,
            configuration: WorkerConfiguration(
                port: 0, apiKey: Self.apiKey, directRoute: "/run", queueCapacity: queueCapacity,
                longPollWindow: .seconds(2)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))")
        }
    }

    func adapter(_ style: BananaConfiguration.Style, apiKey: String = apiKey, retries: Int = 0) -> BananaProvider {
        BananaProvider(
            name: "worker",
            configuration: BananaConfiguration(
                style: style, apiKey: apiKey, callTimeout: .seconds(10),
                retry: RetryBackoff(maxRetries: retries, initialDelay: .milliseconds(20), maxDelay: .milliseconds(50))),
            capabilities: ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: []))
    }

    @Test func v4RoundTripThroughTheWorker() async throws {
        let engine = InstantProvider(name: "engine")
        try await withWorker(provider: engine) { baseURL in
            let image = try await adapter(.v4(baseURL: baseURL)).generate(request) { _ in }
            let size = try #require(ImageCheck.dimensions(of: image.data)?.size)
            #expect(size.width == 16 && size.height == 16)
            #expect(engine.calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func directRoundTripThroughTheWorker() async throws {
        let engine = InstantProvider(name: "engine")
        try await withWorker(provider: engine) { baseURL in
            let image = try await adapter(.direct(appURL: baseURL, route: "/run")).generate(request) { _ in }
            #expect(image.mediaType == "image/png")
        }
    }

    @Test func wrongKeyIsRefusedAndNothingRuns() async throws {
        let engine = InstantProvider(name: "engine")
        try await withWorker(provider: engine) { baseURL in
            let error = await #expect(throws: ProviderError.self) {
                try await adapter(.v4(baseURL: baseURL), apiKey: "wrong").generate(request) { _ in }
            }
            #expect(error?.reason == "unavailable")
            #expect(engine.calls.load(ordering: .relaxed) == 0)
        }
    }

    @Test func invalidInputsAreTheCallersFault() async throws {
        try await withWorker(provider: InstantProvider(name: "engine")) { baseURL in
            var tooBig = request
            tooBig.width = 10_000
            let error = await #expect(throws: ProviderError.self) {
                try await adapter(.direct(appURL: baseURL, route: "/run")).generate(tooBig) { _ in }
            }
            #expect(error?.reason == "rejected")
        }
    }

    @Test func fullQueueAnswersBusyAndTheRouterFailsOver() async throws {
        let gate = Gate()
        let slow = GatedProvider(gate: gate)
        try await withWorker(provider: slow, queueCapacity: 1) { baseURL in
            let first = Task { try await adapter(.direct(appURL: baseURL, route: "/run")).generate(request) { _ in } }
            for _ in 0..<400 where slow.started.load(ordering: .relaxed) == 0 {
                try await Task.sleep(for: .milliseconds(5))
            }
            let router = ProviderRouter(providers: [adapter(.direct(appURL: baseURL, route: "/run")), InstantProvider(name: "local")])
            let result = try await router.generate(request, chain: ["worker", "local"])
            #expect(result.provider == "local")
            #expect(result.attempts.first?.outcome == .failed(reason: "busy"))
            gate.open()
            _ = try await first.value
        }
    }

    @Test func repeatedRequestIDJoinsTheSameJob() async throws {
        let engine = InstantProvider(name: "engine")
        try await withWorker(provider: engine) { baseURL in
            let body = try JSONSerialization.data(withJSONObject: ["prompt": "a castle", "width": 16, "height": 16])
            for _ in 0..<2 {
                var call = URLRequestLike(url: baseURL + "/run", body: [UInt8](body))
                call.headers = [
                    (name: "X-Banana-API-Key", value: Self.apiKey), (name: "X-Banana-Request-Id", value: "req-1"),
                ]
                let response = try await call.send()
                #expect(response.status == 200)
            }
            #expect(engine.calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func statusEndpointIsFree() async throws {
        try await withWorker(provider: InstantProvider(name: "engine")) { baseURL in
            let response = try await URLRequestLike(method: "GET", url: baseURL + "/__status__").send()
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self).contains("\"capacity\":4"))
        }
    }
}

/// Opens when a test says so; providers gated on it hold their job until then.
final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)
    func open() { isOpen.store(true, ordering: .relaxed) }
    func wait() async throws {
        for _ in 0..<2000 where !isOpen.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Test double: a provider that starts, then waits for its gate before answering like `InstantProvider`.
final class GatedProvider: ImageProvider {
    let name = "gated"
    let capabilities = ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: [])
    let gate: Gate
    let started = Atomic<Int>(0)

    init(gate: Gate) { self.gate = gate }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        started.add(1, ordering: .relaxed)
        try await gate.wait()
        return try await InstantProvider(name: name).generate(request, progress: progress)
    }
}
