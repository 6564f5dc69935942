// Measures what the banana adapter and the router add to a generation, against a self-hosted worker on
// loopback whose provider answers at once, and how soon a long-polling adapter sees a result the backend
// has just finished. Run it through scripts/bench-providers.sh (release build).
import AuthKit
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import LocalProvider
import Logging
import Providers
import Synchronization
import Worker

/// Answers at once with a grey PNG of the asked size; optionally waits `delay` first and records when it finished.
final class InstantBackend: ImageProvider {
    let name = "backend"
    let capabilities = ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: [])
    let delay: Duration
    let finishedAt = Mutex<ContinuousClock.Instant?>(nil)
    /// PNGs by size, encoded once so the timings do not include compression.
    private let encoded = Mutex<[Int: [UInt8]]>([:])

    func png(width: Int, height: Int) -> [UInt8] {
        encoded.withLock { cache in
            if let png = cache[width << 16 | height] { return png }
            let png =
                (try? PNGEncoder.encode(
                    rgb: [UInt8](repeating: 128, count: width * height * 3), width: width, height: height)) ?? []
            cache[width << 16 | height] = png
            return png
        }
    }

    init(delay: Duration = .zero) { self.delay = delay }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        if delay > .zero { try await Task.sleep(for: delay) }
        let image = GeneratedImage(data: png(width: request.width, height: request.height), seed: request.seed)
        finishedAt.withLock { $0 = .now }
        return image
    }
}

func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

func microseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f µs", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
}

let iterations = Int(ProcessInfo.processInfo.environment["BENCH_ITERATIONS"] ?? "") ?? 2000
let request = GenerationRequest(prompt: "bench", width: 8, height: 8, steps: 1, seed: 1)

func measure(_ label: String, _ body: () async throws -> Void) async throws {
    for _ in 0..<50 { try await body() }
    var samples: [Duration] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try await body()
        samples.append(.now - start)
    }
    samples.sort()
    print("| \(label) | \(microseconds(percentile(samples, 0.5))) | \(microseconds(percentile(samples, 0.99))) |")
}

var quiet = Logger(label: "bench.worker")
quiet.logLevel = .warning

let backend = InstantBackend()
let app = buildWorkerApplication(
    provider: backend, configuration: WorkerConfiguration(port: 0, apiKey: "bench", queueCapacity: 64), logger: quiet)
try await app.test(.live) { client in
    let baseURL = "http://127.0.0.1:\(client.port!)"
    let capabilities = ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: [])
    let v4 = BananaProvider(
        name: "v4", configuration: BananaConfiguration(style: .v4(baseURL: baseURL), apiKey: "bench"),
        capabilities: capabilities)
    let direct = BananaProvider(
        name: "direct", configuration: BananaConfiguration(style: .direct(appURL: baseURL, route: "/"), apiKey: "bench"),
        capabilities: capabilities)
    let router = ProviderRouter(providers: [v4, direct, backend])

    print("| path (\(iterations) sequential calls) | p50 | p99 |")
    print("| --- | --- | --- |")
    try await measure("provider called in-process (baseline)") { _ = try await backend.generate(request) { _ in } }
    try await measure("router -> in-process provider") { _ = try await router.generate(request, chain: ["backend"]) }
    try await measure("router -> banana v4 -> worker (loopback)") { _ = try await router.generate(request, chain: ["v4"]) }
    try await measure("router -> banana direct -> worker (loopback)") {
        _ = try await router.generate(request, chain: ["direct"])
    }
}

// How soon after the backend finishes does the adapter return? The worker answers `check` by long polling,
// so this is one loopback round trip, not a polling interval.
let slowBackend = InstantBackend(delay: .microseconds(300))
let slowApp = buildWorkerApplication(
    provider: slowBackend, configuration: WorkerConfiguration(port: 0, apiKey: "bench", longPollWindow: .seconds(5)), logger: quiet)
try await slowApp.test(.live) { client in
    let adapter = BananaProvider(
        name: "v4",
        configuration: BananaConfiguration(
            style: .v4(baseURL: "http://127.0.0.1:\(client.port!)"), apiKey: "bench", startOnly: true),
        capabilities: ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: []))
    var lags: [Duration] = []
    for _ in 0..<50 {
        _ = try await adapter.generate(request) { _ in }
        let done = ContinuousClock.now
        lags.append(done - slowBackend.finishedAt.withLock { $0! })
    }
    lags.sort()
    print("")
    print("| backend finished -> v4 adapter returned (50 jobs of 300 ms, startOnly + long-poll check) | p50 | p99 |")
    print("| --- | --- | --- |")
    print("| lag | \(microseconds(percentile(lags, 0.5))) | \(microseconds(percentile(lags, 0.99))) |")
}

// The same through the whole gateway: a job routed to the worker with the banana adapter; measured from the
// backend finishing to the client having the synchronous endpoint's answer (job settled, image stored, base64).
let gatewayBackend = InstantBackend(delay: .milliseconds(300))
let gatewayWorker = buildWorkerApplication(
    provider: gatewayBackend, configuration: WorkerConfiguration(port: 0, apiKey: "bench", longPollWindow: .seconds(5)),
    logger: quiet)
try await gatewayWorker.test(.live) { workerClient in
    setenv("BENCH_WORKER_KEY", "bench", 1)
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-gateway-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root.appendingPathComponent("policies"), withIntermediateDirectories: true)
    let policy = """
        providers:
          - {name: gpu, kind: banana, endpoint: "http://127.0.0.1:\(workerClient.port!)", price_per_second_usd: 0,
             total_deadline_seconds: 30, api_key_env: BENCH_WORKER_KEY, options: {style: v4, start_only: true}}
        tiers:
          - {name: free, providers: [gpu], limits: {max_steps: 50, max_width: 512, max_height: 512}}
        users:
          - {default: true, tier: free}
        """
    try policy.write(to: root.appendingPathComponent("policies/policy.yaml"), atomically: true, encoding: .utf8)
    let key = try DevSigningKey.generate()
    let configuration = GatewayConfiguration(
        host: "127.0.0.1", port: 0, policyDirectory: root.appendingPathComponent("policies").path,
        dataDirectory: root.appendingPathComponent("data").path, devSignIn: true)
    let token = try DevIssuer(key: key, host: "127.0.0.1", port: 0)
        .token(email: "bench@example.com", now: Int64(Date().timeIntervalSince1970))
    let gateway = try await buildApplication(
        configuration, dependencies: GatewayDependencies(devSigningKey: key, reloadOnSIGHUP: false), logger: quiet)
    try await gateway.test(.live) { client in
        var lags: [Duration] = []
        for _ in 0..<30 {
            let answer = try await client.execute(
                uri: "/v1/images/generations", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"prompt": "bench", "size": "64x64", "response_format": "b64_json"}"#))
            let done = ContinuousClock.now
            guard answer.status == .ok else {
                FileHandle.standardError.write(Data("generation refused: \(String(buffer: answer.body))\n".utf8))
                throw CancellationError()
            }
            lags.append(done - gatewayBackend.finishedAt.withLock { $0! })
        }
        lags.sort()
        print("")
        print("| backend finished -> gateway job done and answered (/v1/images/generations, 30 jobs of 300 ms) | p50 | p99 |")
        print("| --- | --- | --- |")
        print("| lag | \(microseconds(percentile(lags, 0.5))) | \(microseconds(percentile(lags, 0.99))) |")
    }
}
