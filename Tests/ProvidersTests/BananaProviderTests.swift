import Foundation
import HTTPClient
import LocalProvider
import Locking
import Providers
import Synchronization
import Testing

/// The banana adapter against a scripted banana server on loopback, alone and behind the router.
@Suite struct BananaProviderTests {
    static let apiKey = "sk-test-5f1d2c3b4a"
    static let capabilities = ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: [])
    let request = GenerationRequest(
        prompt: "a red fox", negativePrompt: "blurry", width: 16, height: 8, steps: 4, seed: 11)

    static func png(width: Int, height: Int) -> String {
        let pixels = [UInt8](repeating: 200, count: width * height * 3)
        return Data(try! PNGEncoder.encode(rgb: pixels, width: width, height: height)).base64EncodedString()
    }

    static func v4Provider(_ server: ScriptedHTTPServer, maxImageBytes: Int = 1 << 20) -> BananaProvider {
        BananaProvider(
            name: "banana",
            configuration: BananaConfiguration(
                style: .v4(baseURL: server.baseURL), apiKey: apiKey, modelKey: "sd-model",
                callTimeout: .seconds(30), maxChecks: 20, maxImageBytes: maxImageBytes),
            capabilities: capabilities)
    }

    static func directProvider(_ server: ScriptedHTTPServer) -> BananaProvider {
        BananaProvider(
            name: "banana",
            configuration: BananaConfiguration(
                style: .direct(appURL: server.baseURL, route: "/generate"), apiKey: apiKey, modelKey: "sd-model",
                callTimeout: .seconds(30),
                retry: RetryBackoff(maxRetries: 3, initialDelay: .milliseconds(10), maxDelay: .milliseconds(40))),
            capabilities: capabilities)
    }

    static func finished(_ image: String) -> ScriptedHTTPServer.Action {
        .json(["id": "x", "message": "", "finished": true, "modelOutputs": [["image_base64": image]]])
    }

    @Test func v4ImmediateFinishSendsTheSDTemplate() async throws {
        let image = Self.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { _ in Self.finished(image) }
        defer { server.stop() }
        let result = try await Self.v4Provider(server).generate(request) { _ in }
        #expect(result.mediaType == "image/png")
        #expect(result.seed == 11)
        let start = try #require(server.requests.first)
        #expect(start.path == "/start/v4/")
        let body = try #require(start.json)
        #expect(body["apiKey"] as? String == Self.apiKey)
        #expect(body["modelKey"] as? String == "sd-model")
        let inputs = try #require(body["modelInputs"] as? [String: Any])
        #expect(inputs["prompt"] as? String == "a red fox")
        #expect(inputs["negative_prompt"] as? String == "blurry")
        #expect(inputs["width"] as? Int == 16)
        #expect(inputs["height"] as? Int == 8)
        #expect(inputs["num_inference_steps"] as? Int == 4)
        #expect(inputs["guidance_scale"] as? Double == 7.5)
        #expect(inputs["seed"] as? Int == 11)
    }

    @Test func v4LongPollsCheckUntilSuccess() async throws {
        let image = Self.png(width: 16, height: 8)
        let checks = Atomic<Int>(0)
        let server = try ScriptedHTTPServer { request in
            if request.path == "/start/v4/" {
                return .json(["id": "x", "message": "", "finished": false, "callID": "call-42"])
            }
            if checks.add(1, ordering: .relaxed).newValue < 3 {
                return .json(["id": "x", "message": ""])
            }
            return .json(["id": "x", "message": "success", "modelOutputs": [["image_base64": image]]])
        }
        defer { server.stop() }
        let events = LockedState<[GenerationProgress]>([])
        _ = try await Self.v4Provider(server).generate(request) { event in events.withLock { $0.append(event) } }
        let checkRequests = server.requests.filter { $0.path == "/check/v4/" }
        #expect(checkRequests.count == 3)
        for check in checkRequests {
            #expect(check.json?["callID"] as? String == "call-42")
            #expect(check.json?["longPoll"] as? Bool == true)
        }
        #expect(events.withLock { $0 } == [.started])
    }

    @Test func directStyleRetriesBusyWithOneRequestID() async throws {
        let image = Self.png(width: 16, height: 8)
        let calls = Atomic<Int>(0)
        let server = try ScriptedHTTPServer { _ in
            switch calls.add(1, ordering: .relaxed).newValue {
            case 1: .respond(status: 423, body: Array("busy".utf8))
            case 2: .respond(status: 503, body: Array("warming".utf8))
            default: .json(["image_base64": image])
            }
        }
        defer { server.stop() }
        _ = try await Self.directProvider(server).generate(request) { _ in }
        let requests = server.requests
        #expect(requests.count == 3)
        let ids = Set(requests.compactMap { $0.headers["x-banana-request-id"] })
        #expect(ids.count == 1)
        #expect(requests.allSatisfy { $0.headers["x-banana-api-key"] == Self.apiKey })
        #expect(requests.allSatisfy { $0.headers["x-banana-model-key"] == "sd-model" })
        #expect(requests.first?.path == "/generate")
    }

    @Test func directStyleNeverRetriesOtherStatuses() async throws {
        let server = try ScriptedHTTPServer { _ in .respond(status: 500, body: Array("boom".utf8)) }
        defer { server.stop() }
        await #expect(throws: ProviderError.self) {
            try await Self.directProvider(server).generate(request) { _ in }
        }
        #expect(server.requests.count == 1)
    }

    @Test func directStyleGivesUpAfterItsRetries() async throws {
        let server = try ScriptedHTTPServer { _ in .respond(status: 503, body: []) }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.directProvider(server).generate(request) { _ in }
        }
        #expect(error?.reason == "unavailable")
        #expect(server.requests.count == 4)
    }

    /// A fault the banana backend can show, and how the adapter must classify it.
    struct Fault: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let action: @Sendable (ScriptedHTTPServer.Request) -> ScriptedHTTPServer.Action
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "HTTP 500", reason: "unavailable") { _ in .respond(status: 500, body: Array("oops \(apiKey)".utf8))
        },
        Fault(name: "garbage JSON", reason: "invalid_reply") { _ in
            .respond(status: 200, body: Array("{not json \(apiKey)".utf8))
        },
        Fault(name: "message error", reason: "failed") { _ in
            .json(["message": "error: CUDA out of memory (\(apiKey))"])
        },
        Fault(name: "wrong image size", reason: "invalid_reply") { _ in finished(png(width: 8, height: 8)) },
        Fault(name: "not an image", reason: "invalid_reply") { _ in finished(Data("hello".utf8).base64EncodedString())
        },
        Fault(name: "no image field", reason: "invalid_reply") { _ in
            .json(["message": "", "finished": true, "modelOutputs": [["other": 1]]])
        },
        Fault(name: "connection reset mid-poll", reason: "unavailable") { request in
            request.path == "/start/v4/" ? .json(["message": "", "finished": false, "callID": "c1"]) : .close
        },
        Fault(name: "invalid request", reason: "rejected") { _ in .respond(status: 422, body: Array("bad width".utf8))
        },
    ]

    @Test(arguments: faults) func faultIsClassifiedAndKeepsTheKeySecret(_ fault: Fault) async throws {
        let server = try ScriptedHTTPServer(handler: fault.action)
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.v4Provider(server).generate(request) { _ in }
        }
        #expect(error?.reason == fault.reason)
        #expect(!"\(String(describing: error))".contains(Self.apiKey))
    }

    @Test func oversizedImageIsRefused() async throws {
        let image = Self.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { _ in Self.finished(image) }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.v4Provider(server, maxImageBytes: 40).generate(request) { _ in }
        }
        #expect(error?.reason == "invalid_reply")
    }

    @Test(arguments: faults.filter { $0.reason != "rejected" })
    func routerFailsOverToTheLocalProvider(_ fault: Fault) async throws {
        let server = try ScriptedHTTPServer(handler: fault.action)
        defer { server.stop() }
        let local = InstantProvider(name: "local")
        let router = ProviderRouter(providers: [Self.v4Provider(server), local])
        let result = try await router.generate(request, chain: ["banana", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.map(\.outcome) == [.failed(reason: fault.reason), .succeeded])
        #expect(result.attempts.allSatisfy { !($0.detail ?? "").contains(Self.apiKey) })
        #expect(router.circuitStates()["banana"] == .closed(consecutiveFailures: 1))
    }

    @Test func routerDoesNotFailOverOnTheCallersFault() async throws {
        let server = try ScriptedHTTPServer { _ in .respond(status: 400, body: Array("prompt too long".utf8)) }
        defer { server.stop() }
        let local = InstantProvider(name: "local")
        let router = ProviderRouter(providers: [Self.v4Provider(server), local])
        await #expect(throws: ProviderError.self) {
            try await router.generate(request, chain: ["banana", "local"])
        }
        #expect(local.calls.load(ordering: .relaxed) == 0)
    }

    @Test func coldStartSlowerThanTheStartDeadlineFailsOver() async throws {
        let server = try ScriptedHTTPServer { _ in .hang(.seconds(3)) }
        defer { server.stop() }
        let router = ProviderRouter(
            providers: [Self.v4Provider(server), InstantProvider(name: "local")],
            deadlines: ["banana": ProviderDeadlines(start: .milliseconds(200), total: .seconds(30))])
        let result = try await router.generate(request, chain: ["banana", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .failed(reason: "timed_out"))
    }

    @Test func hungPollHitsTheTotalDeadline() async throws {
        let server = try ScriptedHTTPServer { request in
            request.path == "/start/v4/"
                ? .json(["message": "", "finished": false, "callID": "c1"]) : .hang(.seconds(3))
        }
        defer { server.stop() }
        let router = ProviderRouter(
            providers: [Self.v4Provider(server), InstantProvider(name: "local")],
            deadlines: ["banana": ProviderDeadlines(start: .seconds(2), total: .milliseconds(400))])
        let result = try await router.generate(request, chain: ["banana", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .failed(reason: "timed_out"))
    }
}

/// Test double for the next provider in a chain: answers at once with a valid PNG of the asked size.
final class InstantProvider: ImageProvider {
    let name: String
    let capabilities = ProviderCapabilities(maxWidth: 1024, maxHeight: 1024, maxSteps: 100, schedulers: [])
    let calls = Atomic<Int>(0)

    init(name: String) { self.name = name }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        calls.add(1, ordering: .relaxed)
        progress(.started)
        let pixels = [UInt8](repeating: 0, count: request.width * request.height * 3)
        return GeneratedImage(
            data: try PNGEncoder.encode(rgb: pixels, width: request.width, height: request.height), seed: request.seed)
    }
}
