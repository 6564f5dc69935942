import HTTPClient
import Synchronization
import Testing

@Suite("HTTPClient concurrency on one host")
struct HTTPClientConcurrencyTests {
    /// Plain HTTP/1.1 cannot multiplex: a second request to the same host must open its own connection
    /// instead of waiting for the first to finish. (CURLOPT_PIPEWAIT on http:// once serialised such
    /// requests; the end-to-end case that caught it is WorkerTests.fullQueueAnswersBusyAndTheRouterFailsOver.)
    @Test func secondRequestToOneHostDoesNotWaitForTheFirst() async throws {
        let released = ReleaseSignal()
        try await withLoopbackServer(makeHeldRouter(released)) { port in
            try await withClient { client in
                let held = Task {
                    try await client.execute(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/held", body: Array("{}".utf8)))
                }
                let quick = try await client.execute(
                    HTTPRequest(
                        method: "POST", url: "http://127.0.0.1:\(port)/quick", body: Array("{}".utf8),
                        deadline: .now + .seconds(3)))
                released.release()
                #expect(String(decoding: quick.body, as: UTF8.self) == "quick")
                let first = try await held.value
                #expect(String(decoding: first.body, as: UTF8.self) == "released")
            }
        }
    }
}

/// Lets a held request finish once the test says so.
final class ReleaseSignal: Sendable {
    private let value = Atomic<Bool>(false)
    func release() { value.store(true, ordering: .relaxed) }
    var isReleased: Bool { value.load(ordering: .relaxed) }
}
