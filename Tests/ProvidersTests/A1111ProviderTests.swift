import Foundation
import Locking
import Providers
import Testing

/// The AUTOMATIC1111 / Forge adapter against a scripted web UI API on loopback.
@Suite struct A1111ProviderTests {
    static let password = "hunter2-a1111"
    let request = GenerationRequest(
        prompt: "a meadow", negativePrompt: "text", width: 16, height: 8, steps: 4, guidance: 6.5, seed: 77,
        scheduler: "euler_a")

    static func provider(_ server: ScriptedHTTPServer, maxImageBytes: Int = 1 << 20) -> A1111Provider {
        A1111Provider(
            name: "a1111",
            configuration: A1111Configuration(
                baseURL: server.baseURL, username: "ops", password: password, progressInterval: .milliseconds(20),
                callTimeout: .seconds(30), maxImageBytes: maxImageBytes),
            capabilities: ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: []))
    }

    static func images(_ image: String) -> ScriptedHTTPServer.Action {
        .json(["images": [image], "parameters": [:], "info": "{}"])
    }

    static let progressRunning = ScriptedHTTPServer.Action.json(
        ["progress": 0.5, "state": ["job_count": 1, "sampling_step": 2, "sampling_steps": 4]])

    @Test func txt2imgWithTheWebUIsFieldNamesAndProgress() async throws {
        let image = BananaProviderTests.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { request in
            if request.path == "/sdapi/v1/progress" { return Self.progressRunning }
            usleep(300_000)
            return Self.images(image)
        }
        defer { server.stop() }
        let events = LockedState<[GenerationProgress]>([])
        let result = try await Self.provider(server).generate(request) { event in events.withLock { $0.append(event) } }
        #expect(result.seed == 77)
        #expect(events.withLock { $0 }.prefix(2) == [.started, .step(2, of: 4)])
        let call = try #require(server.requests.first { $0.path == "/sdapi/v1/txt2img" })
        let body = try #require(call.json)
        #expect(body["prompt"] as? String == "a meadow")
        #expect(body["negative_prompt"] as? String == "text")
        #expect(body["cfg_scale"] as? Double == 6.5)
        #expect(body["sampler_name"] as? String == "Euler a")
        #expect(body["steps"] as? Int == 4)
        #expect(body["seed"] as? Int == 77)
        let credentials = Data("ops:\(Self.password)".utf8).base64EncodedString()
        #expect(call.headers["authorization"] == "Basic \(credentials)")
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let action: @Sendable () -> ScriptedHTTPServer.Action
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "validation error", reason: "rejected") { .respond(status: 422, body: Array("bad width".utf8)) },
        Fault(name: "server error", reason: "unavailable") {
            .respond(status: 500, body: Array("traceback mentions \(password)".utf8))
        },
        Fault(name: "malformed reply", reason: "invalid_reply") { .respond(status: 200, body: Array("<html>".utf8)) },
        Fault(name: "no images", reason: "invalid_reply") { .json(["images": []]) },
        Fault(name: "wrong image size", reason: "invalid_reply") {
            images(BananaProviderTests.png(width: 8, height: 8))
        },
        Fault(name: "connection dropped", reason: "unavailable") { .close },
    ]

    @Test(arguments: faults) func faultsAreClassified(_ fault: Fault) async throws {
        let server = try ScriptedHTTPServer { request in
            request.path == "/sdapi/v1/progress" ? .json(["state": ["job_count": 0]]) : fault.action()
        }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server).generate(request) { _ in }
        }
        #expect(error?.reason == fault.reason)
        #expect(!"\(String(describing: error))".contains(Self.password))
    }

    @Test func oversizedImageIsRefused() async throws {
        let image = BananaProviderTests.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { _ in Self.images(image) }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server, maxImageBytes: 40).generate(request) { _ in }
        }
        #expect(error?.reason == "invalid_reply")
    }

    @Test func deadlineInterruptsTheWebUIAndFailsOver() async throws {
        let server = try ScriptedHTTPServer { request in
            switch request.path {
            case "/sdapi/v1/progress": return Self.progressRunning
            case "/sdapi/v1/interrupt": return .json([:])
            default: return .hang(.seconds(3))
            }
        }
        defer { server.stop() }
        let router = ProviderRouter(
            providers: [Self.provider(server), InstantProvider(name: "local")],
            deadlines: ["a1111": ProviderDeadlines(start: .seconds(2), total: .milliseconds(400))])
        let result = try await router.generate(request, chain: ["a1111", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .failed(reason: "timed_out"))
        for _ in 0..<200 where !server.requests.contains(where: { $0.path == "/sdapi/v1/interrupt" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.requests.contains { $0.path == "/sdapi/v1/interrupt" && $0.method == "POST" })
    }

    @Test func serverErrorFailsOverToTheNextProvider() async throws {
        let server = try ScriptedHTTPServer { _ in .respond(status: 503, body: []) }
        defer { server.stop() }
        let router = ProviderRouter(providers: [Self.provider(server), InstantProvider(name: "local")])
        let result = try await router.generate(request, chain: ["a1111", "local"])
        #expect(result.provider == "local")
    }

    @Test func schedulersWithoutASamplerAreNotOffered() throws {
        let server = try ScriptedHTTPServer { _ in .close }
        defer { server.stop() }
        let provider = Self.provider(server)
        #expect(provider.capabilities.schedulers == Set(A1111Configuration.samplers.keys))
        var unknown = request
        unknown.scheduler = "heun"
        #expect(!provider.capabilities.accepts(unknown))
    }
}
