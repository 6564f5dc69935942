import Foundation
import Locking
import Providers
import Synchronization
import Testing

/// The Replicate adapter against a scripted Replicate API (and file host) on loopback.
@Suite struct ReplicateProviderTests {
    static let token = "r8_test_token_9"
    let request = GenerationRequest(prompt: "an orchard", width: 16, height: 8, steps: 4, seed: 5)

    static func provider(
        _ server: ScriptedHTTPServer, target: ReplicateConfiguration.Target = .version("v123"), wait: Int? = nil,
        maxImageBytes: Int = 1 << 20
    ) -> ReplicateProvider {
        ReplicateProvider(
            name: "replicate",
            configuration: ReplicateConfiguration(
                baseURL: server.baseURL, target: target, apiToken: token, preferWaitSeconds: wait,
                pollInterval: .milliseconds(5), maxPollInterval: .milliseconds(20), callTimeout: .seconds(30),
                maxImageBytes: maxImageBytes),
            capabilities: ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: []))
    }

    static func prediction(
        _ server: ScriptedHTTPServer, _ status: String, output: Any? = nil, predictTime: Double? = nil
    )
        -> ScriptedHTTPServer.Action
    {
        var body: [String: Any] = [
            "id": "p1", "status": status,
            "urls": [
                "get": "\(server.baseURL)/v1/predictions/p1", "cancel": "\(server.baseURL)/v1/predictions/p1/cancel",
            ],
        ]
        if let output { body["output"] = output }
        if let predictTime { body["metrics"] = ["predict_time": predictTime] }
        return .json(body)
    }

    static let pngBytes: [UInt8] = [UInt8](Data(base64Encoded: BananaProviderTests.png(width: 16, height: 8))!)

    @Test func createPollAndFetchTheOutputWithoutOurToken() async throws {
        let polls = Atomic<Int>(0)
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            let server = serverBox.server!
            switch request.path {
            case "/v1/predictions": return Self.prediction(server, "starting")
            case "/files/out.png":
                return .respond(status: 200, headers: ["Content-Type": "image/png"], body: Self.pngBytes)
            default:
                return polls.add(1, ordering: .relaxed).newValue == 1
                    ? Self.prediction(server, "processing")
                    : Self.prediction(
                        server, "succeeded", output: ["\(server.baseURL)/files/out.png"], predictTime: 2.7)
            }
        }
        serverBox.server = server
        defer { server.stop() }
        let events = LockedState<[GenerationProgress]>([])
        let image = try await Self.provider(server).generate(request) { event in events.withLock { $0.append(event) } }
        #expect(image.executionSeconds == 2.7)
        #expect(image.mediaType == "image/png")
        #expect(events.withLock { $0 } == [.queued, .started])
        let create = try #require(server.requests.first)
        #expect(create.json?["version"] as? String == "v123")
        #expect((create.json?["input"] as? [String: Any])?["prompt"] as? String == "an orchard")
        #expect(create.headers["authorization"] == "Bearer \(Self.token)")
        let fetch = try #require(server.requests.first { $0.path == "/files/out.png" })
        #expect(fetch.headers["authorization"] == nil)
    }

    @Test func preferWaitOnAModelPathCanFinishInOneCall() async throws {
        let dataURL = "data:image/png;base64," + BananaProviderTests.png(width: 16, height: 8)
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { _ in
            Self.prediction(serverBox.server!, "succeeded", output: dataURL, predictTime: 1)
        }
        serverBox.server = server
        defer { server.stop() }
        _ = try await Self.provider(server, target: .model("stability-ai/sd"), wait: 30).generate(request) { _ in }
        #expect(server.requests.map(\.path) == ["/v1/models/stability-ai/sd/predictions"])
        #expect(server.requests.first?.headers["prefer"] == "wait=30")
    }

    @Test func foreignStatusURLsNeverGetTheToken() async throws {
        let elsewhere = try ScriptedHTTPServer { _ in .json(["status": "succeeded"]) }
        defer { elsewhere.stop() }
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            if request.method == "POST" {
                return .json(["id": "p1", "status": "starting", "urls": ["get": "\(elsewhere.baseURL)/steal"]])
            }
            return Self.prediction(
                serverBox.server!, "succeeded",
                output: "data:image/png;base64," + BananaProviderTests.png(width: 16, height: 8))
        }
        serverBox.server = server
        defer { server.stop() }
        _ = try await Self.provider(server).generate(request) { _ in }
        #expect(elsewhere.requests.isEmpty)
        #expect(server.requests.contains { $0.path == "/v1/predictions/p1" })
    }

    @Test func readsAreRetriedButCreatingIsNot() async throws {
        let reads = Atomic<Int>(0)
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            if request.method == "POST" { return Self.prediction(serverBox.server!, "starting") }
            if reads.add(1, ordering: .relaxed).newValue <= 2 { return .respond(status: 503, body: []) }
            return Self.prediction(
                serverBox.server!, "succeeded",
                output: "data:image/png;base64," + BananaProviderTests.png(width: 16, height: 8))
        }
        serverBox.server = server
        defer { server.stop() }
        _ = try await Self.provider(server).generate(request) { _ in }
        #expect(reads.load(ordering: .relaxed) == 3)

        let failing = try ScriptedHTTPServer { _ in .respond(status: 500, body: []) }
        defer { failing.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(failing).generate(request) { _ in }
        }
        #expect(error?.reason == "unavailable")
        #expect(failing.requests.count == 1)
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let paid: Double?
        let status: @Sendable (ScriptedHTTPServer) -> ScriptedHTTPServer.Action
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "prediction failed", reason: "failed", paid: 4) { server in
            .json(["id": "p1", "status": "failed", "error": "NSFW filter (\(token))", "metrics": ["predict_time": 4]])
        },
        Fault(name: "data expired (404)", reason: "failed", paid: nil) { _ in .respond(status: 404, body: []) },
        Fault(name: "malformed prediction", reason: "invalid_reply", paid: nil) { _ in
            .respond(status: 200, body: Array("[".utf8))
        },
        Fault(name: "output is not an image", reason: "invalid_reply", paid: 1) { server in
            prediction(server, "succeeded", output: "data:text/plain;base64,aGVsbG8=", predictTime: 1)
        },
    ]

    @Test(arguments: faults) func faultsAreClassified(_ fault: Fault) async throws {
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            request.method == "POST" ? Self.prediction(serverBox.server!, "starting") : fault.status(serverBox.server!)
        }
        serverBox.server = server
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server).generate(request) { _ in }
        }
        #expect(error?.reason == fault.reason)
        #expect(error?.paidSeconds == fault.paid)
        #expect(!"\(String(describing: error))".contains(Self.token))
    }

    @Test func oversizedOutputIsRefused() async throws {
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            request.path == "/files/out.png"
                ? .respond(status: 200, body: Self.pngBytes)
                : Self.prediction(serverBox.server!, "succeeded", output: "\(serverBox.server!.baseURL)/files/out.png")
        }
        serverBox.server = server
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server, maxImageBytes: 40).generate(request) { _ in }
        }
        #expect(error?.reason == "invalid_reply")
    }

    @Test func deadlineCancelsThePredictionAndFailsOver() async throws {
        let serverBox = ServerBox()
        let server = try ScriptedHTTPServer { request in
            request.path.hasSuffix("/cancel") ? .json([:]) : Self.prediction(serverBox.server!, "starting")
        }
        serverBox.server = server
        defer { server.stop() }
        let router = ProviderRouter(
            providers: [Self.provider(server), InstantProvider(name: "local")],
            deadlines: ["replicate": ProviderDeadlines(start: .milliseconds(300), total: .seconds(30))])
        let result = try await router.generate(request, chain: ["replicate", "local"])
        #expect(result.provider == "local")
        for _ in 0..<200 where !server.requests.contains(where: { $0.path == "/v1/predictions/p1/cancel" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.requests.contains { $0.path == "/v1/predictions/p1/cancel" && $0.method == "POST" })
    }
}

/// Lets a scripted handler refer to its own server (for absolute URLs in replies).
final class ServerBox: Sendable {
    private let stored = LockedState<ScriptedHTTPServer?>(nil)
    var server: ScriptedHTTPServer? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
