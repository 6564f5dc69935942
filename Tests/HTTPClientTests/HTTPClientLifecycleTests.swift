import Testing

@testable import HTTPClient

@Suite("HTTPClient lifecycle")
struct HTTPClientLifecycleTests {
    @Test func droppingAClientEndsItsWorkerThread() async throws {
        weak var worker: CurlWorker?
        try await withScriptedServer(.keepAliveOK) { server in
            var client: HTTPClient? = HTTPClient()
            worker = client?.worker
            let response = try await client?.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response?.status == 200)
            client = nil
        }
        for _ in 0..<250 where worker != nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(worker == nil, "the worker thread should end and release its worker once the client is gone")
    }

    @Test func sharedClientServesRequests() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            let response = try await HTTPClient.shared.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(String(decoding: response.body, as: UTF8.self) == "ok")
        }
    }
}
