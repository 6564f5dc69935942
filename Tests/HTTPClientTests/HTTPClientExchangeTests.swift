import HTTPClient
import Testing

/// Runs `body` with a fresh client and shuts the client down afterwards, also when `body` throws.
func withClient<Value>(
    _ configuration: HTTPClient.Configuration = .init(), _ body: (HTTPClient) async throws -> Value
) async throws -> Value {
    let client = HTTPClient(configuration: configuration)
    do {
        let value = try await body(client)
        await client.shutdown()
        return value
    } catch {
        await client.shutdown()
        throw error
    }
}

@Suite("HTTPClient exchanges with a real loopback server")
struct HTTPClientExchangeTests {
    @Test func getReturnsBodyAndEchoesRequestHeaders() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(url: "http://127.0.0.1:\(port)/echo-headers?a=1", headers: [("X-Token", "secret-1")]))
                #expect(response.status == 200)
                #expect(response.header("x-echo-token") == "secret-1")
                #expect(response.header("X-Echo-Query") == "a=1")
                #expect(String(decoding: response.body, as: UTF8.self) == "headers")
            }
        }
    }

    @Test func postSendsBodyAndContentType() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let payload = Array("{\"prompt\":\"a cat\"}\u{0}binary".utf8)
                let response = try await client.execute(
                    HTTPRequest(
                        method: "POST", url: "http://127.0.0.1:\(port)/echo",
                        headers: [("Content-Type", "application/json")], body: payload))
                #expect(response.status == 201)
                #expect(response.body == payload)
                #expect(response.header("Content-Type") == "application/json")
                #expect(response.header("X-Echo-Method") == "POST")
            }
        }
    }

    @Test func postWithoutContentTypeSendsNone() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/echo", body: Array("x=1".utf8)))
                #expect(response.header("Content-Type") == "none")
                #expect(response.body == Array("x=1".utf8))
            }
        }
    }

    @Test func putSendsItsBody() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let payload = [UInt8](repeating: 7, count: 100_000)
                let response = try await client.execute(
                    HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(port)/echo", body: payload))
                #expect(response.status == 200)
                #expect(response.body == payload)
            }
        }
    }

    @Test(arguments: [404, 503])
    func errorStatusesComeBackAsResponses(code: Int) async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/status/\(code)"))
                #expect(response.status == code)
                #expect(String(decoding: response.body, as: UTF8.self) == "status \(code)")
            }
        }
    }

    @Test func redirectsAreNotFollowedByDefault() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/redirect"))
                #expect(response.status == 302)
                #expect(response.header("Location") == "/hello")
            }
        }
    }

    @Test func followedRedirectKeepsOnlyTheFinalHeaders() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient(.init(followRedirects: true)) { client in
                let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/redirect"))
                #expect(response.status == 200)
                #expect(response.header("X-Redirect-Only") == nil)
                #expect(response.header("Location") == nil)
                #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            }
        }
    }

    @Test func interimContinueHeadersAreDropped() async throws {
        try await withScriptedServer(.interimThenOK) { server in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(
                        method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [("Expect", "100-continue")],
                        body: Array("0123456789".utf8)))
                #expect(response.status == 200)
                #expect(response.header("X-Final") == "yes")
                #expect(response.header("X-Interim") == nil)
                #expect(String(decoding: response.body, as: UTF8.self) == "final")
            }
        }
    }

    @Test func headIgnoresTheSizeCapOfTheAnnouncedBody() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(method: "HEAD", url: "http://127.0.0.1:\(port)/bytes/5000", maxResponseBytes: 100))
                #expect(response.status == 200)
                #expect(response.header("Content-Length") == "5000")
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test func hundredConcurrentRequestsAllComplete() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for index in 0..<100 {
                        group.addTask {
                            let response = try await client.execute(
                                HTTPRequest(url: "http://127.0.0.1:\(port)/echo-headers?i=\(index)"))
                            return (index, response.header("X-Echo-Query"))
                        }
                    }
                    var answers: [Int: String?] = [:]
                    for try await (index, query) in group { answers[index] = query }
                    return answers
                }
                #expect(answers.count == 100)
                for index in 0..<100 { #expect(answers[index] == "i=\(index)") }
                let statistics = client.statistics
                #expect(statistics.transfersFinished == 100)
                #expect(statistics.connectionsOpened <= client.configuration.maxConnectionsPerHost)
            }
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                for _ in 0..<5 {
                    let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/hello"))
                    #expect(response.status == 200)
                }
                #expect(client.statistics.transfersFinished == 5)
                #expect(client.statistics.connectionsOpened == 1)
            }
        }
    }
}
