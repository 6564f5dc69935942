import Foundation
import Locking
import Providers
import Synchronization
import Testing

/// The RunPod adapter against a scripted RunPod serverless API on loopback.
@Suite struct RunPodProviderTests {
    static let apiKey = "rp-key-0042"
    let request = GenerationRequest(prompt: "a harbour", width: 16, height: 8, steps: 4, seed: 3)

    static func provider(_ server: ScriptedHTTPServer, runSync: Bool = false, maxImageBytes: Int = 1 << 20)
        -> RunPodProvider
    {
        RunPodProvider(
            name: "runpod",
            configuration: RunPodConfiguration(
                baseURL: server.baseURL, endpointID: "ep1", apiKey: apiKey, useRunSync: runSync,
                pollInterval: .milliseconds(5), maxPollInterval: .milliseconds(20), callTimeout: .seconds(30),
                maxImageBytes: maxImageBytes),
            capabilities: ProviderCapabilities(maxWidth: 64, maxHeight: 64, maxSteps: 50, schedulers: []))
    }

    static func completed(_ image: String, execution: Int = 3200, delay: Int = 12000) -> ScriptedHTTPServer.Action {
        .json([
            "id": "job-1", "status": "COMPLETED", "executionTime": execution, "delayTime": delay,
            "output": ["image_base64": image],
        ])
    }

    @Test func queuedThenRunningThenCompleted() async throws {
        let image = BananaProviderTests.png(width: 16, height: 8)
        let polls = Atomic<Int>(0)
        let server = try ScriptedHTTPServer { request in
            if request.path == "/v2/ep1/run" { return .json(["id": "job-1", "status": "IN_QUEUE"]) }
            switch polls.add(1, ordering: .relaxed).newValue {
            case 1: return .json(["id": "job-1", "status": "IN_QUEUE"])
            case 2: return .json(["id": "job-1", "status": "IN_PROGRESS"])
            default: return Self.completed(image)
            }
        }
        defer { server.stop() }
        let events = LockedState<[GenerationProgress]>([])
        let result = try await Self.provider(server).generate(request) { event in events.withLock { $0.append(event) } }
        #expect(result.executionSeconds == 3.2)
        #expect(result.coldStart == true)
        #expect(events.withLock { $0 } == [.queued, .queued, .started])
        let submit = try #require(server.requests.first)
        #expect(submit.headers["authorization"] == "Bearer \(Self.apiKey)")
        let body = try #require(submit.json)
        #expect((body["input"] as? [String: Any])?["prompt"] as? String == "a harbour")
        let policy = try #require(body["policy"] as? [String: Any])
        #expect(policy["executionTimeout"] as? Int == 120_000)
        #expect(policy["ttl"] as? Int == 600_000)
        #expect(server.requests.dropFirst().allSatisfy { $0.method == "GET" && $0.path == "/v2/ep1/status/job-1" })
    }

    @Test func runSyncAnswerNeedsNoPolling() async throws {
        let image = BananaProviderTests.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { _ in Self.completed(image, delay: 200) }
        defer { server.stop() }
        let result = try await Self.provider(server, runSync: true).generate(request) { _ in }
        #expect(result.coldStart == false)
        #expect(server.requests.map(\.path) == ["/v2/ep1/runsync"])
    }

    struct Fault: Sendable, CustomTestStringConvertible {
        let name: String
        let reason: String
        let paid: Double?
        let status: @Sendable () -> ScriptedHTTPServer.Action
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "job failed", reason: "failed", paid: 1.5) {
            .json(["id": "job-1", "status": "FAILED", "executionTime": 1500, "error": "CUDA OOM for \(apiKey)"])
        },
        Fault(name: "execution timeout", reason: "timed_out", paid: 120) {
            .json(["id": "job-1", "status": "TIMED_OUT", "executionTime": 120_000])
        },
        Fault(name: "result expired (404)", reason: "failed", paid: nil) { .respond(status: 404, body: []) },
        Fault(name: "malformed status", reason: "invalid_reply", paid: nil) {
            .respond(status: 200, body: Array("{oops".utf8))
        },
        Fault(name: "unknown status", reason: "invalid_reply", paid: nil) {
            .json(["id": "job-1", "status": "EXPLODED"])
        },
        Fault(name: "wrong image size", reason: "invalid_reply", paid: 2) {
            completed(BananaProviderTests.png(width: 8, height: 8), execution: 2000)
        },
        Fault(name: "server error", reason: "unavailable", paid: nil) {
            .respond(status: 500, body: Array("boom".utf8))
        },
    ]

    @Test(arguments: faults) func faultsAreClassifiedWithTheirPaidTime(_ fault: Fault) async throws {
        let server = try ScriptedHTTPServer { request in
            request.path == "/v2/ep1/run" ? .json(["id": "job-1", "status": "IN_QUEUE"]) : fault.status()
        }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server).generate(request) { _ in }
        }
        #expect(error?.reason == fault.reason)
        #expect(error?.paidSeconds == fault.paid)
        #expect(!"\(String(describing: error))".contains(Self.apiKey))
    }

    @Test func submitWithoutAJobIDIsAnInvalidReply() async throws {
        let server = try ScriptedHTTPServer { _ in .json(["status": "IN_QUEUE"]) }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server).generate(request) { _ in }
        }
        #expect(error?.reason == "invalid_reply")
    }

    @Test func oversizedImageIsRefused() async throws {
        let image = BananaProviderTests.png(width: 16, height: 8)
        let server = try ScriptedHTTPServer { _ in Self.completed(image) }
        defer { server.stop() }
        let error = await #expect(throws: ProviderError.self) {
            try await Self.provider(server, runSync: true, maxImageBytes: 40).generate(request) { _ in }
        }
        #expect(error?.reason == "invalid_reply")
        #expect(error?.paidSeconds == 3.2)
    }

    @Test func deadlineCancelsTheRunPodJobAndFailsOver() async throws {
        let server = try ScriptedHTTPServer { request in
            if request.path.hasPrefix("/v2/ep1/cancel/") { return .json(["id": "job-1", "status": "CANCELLED"]) }
            return .json(["id": "job-1", "status": "IN_QUEUE"])
        }
        defer { server.stop() }
        let router = ProviderRouter(
            providers: [Self.provider(server), InstantProvider(name: "local")],
            deadlines: ["runpod": ProviderDeadlines(start: .milliseconds(300), total: .seconds(30))])
        let result = try await router.generate(request, chain: ["runpod", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.outcome == .failed(reason: "timed_out"))
        for _ in 0..<200 where !server.requests.contains(where: { $0.path == "/v2/ep1/cancel/job-1" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let cancel = try #require(server.requests.first { $0.path == "/v2/ep1/cancel/job-1" })
        #expect(cancel.method == "POST")
        #expect(cancel.headers["authorization"] == "Bearer \(Self.apiKey)")
    }

    @Test func failedJobFailsOverWithItsPaidSecondsReported() async throws {
        let server = try ScriptedHTTPServer { _ in
            .json(["id": "job-1", "status": "FAILED", "executionTime": 2500, "error": "worker crashed"])
        }
        defer { server.stop() }
        let router = ProviderRouter(providers: [Self.provider(server, runSync: true), InstantProvider(name: "local")])
        let result = try await router.generate(request, chain: ["runpod", "local"])
        #expect(result.provider == "local")
        #expect(result.attempts.first?.paidSeconds == 2.5)
    }
}
