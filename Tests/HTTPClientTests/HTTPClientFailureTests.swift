import HTTPClient
import Testing

@Suite("HTTPClient failure paths")
struct HTTPClientFailureTests {
    /// Runs the request and returns the `HTTPClientError` it fails with, or records an issue if it succeeds.
    private func failure(of request: HTTPRequest, on client: HTTPClient) async -> HTTPClientError? {
        do {
            let response = try await client.execute(request)
            Issue.record("expected a failure, got status \(response.status)")
            return nil
        } catch {
            return error
        }
    }

    @Test func contentLengthOverTheCapIsRejected() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let request = HTTPRequest(url: "http://127.0.0.1:\(port)/bytes/5000", maxResponseBytes: 4096)
                #expect(await failure(of: request, on: client)?.reason == "response_too_large")
                let fits = try await client.execute(
                    HTTPRequest(url: "http://127.0.0.1:\(port)/bytes/4096", maxResponseBytes: 4096))
                #expect(fits.body.count == 4096)
            }
        }
    }

    @Test func chunkedBodyOverTheCapIsAbortedWhileReceiving() async throws {
        try await withLoopbackServer(makeTestRouter()) { port in
            try await withClient { client in
                let request = HTTPRequest(url: "http://127.0.0.1:\(port)/chunked/200000", maxResponseBytes: 50_000)
                #expect(await failure(of: request, on: client)?.reason == "response_too_large")
                let fits = try await client.execute(
                    HTTPRequest(url: "http://127.0.0.1:\(port)/chunked/50000", maxResponseBytes: 50_000))
                #expect(fits.body.count == 50_000)
            }
        }
    }

    @Test func endlessChunkedStreamStopsAtTheCap() async throws {
        try await withScriptedServer(.chunked(bytes: 64 << 20)) { server in
            try await withClient { client in
                let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", maxResponseBytes: 100_000)
                #expect(await failure(of: request, on: client)?.reason == "response_too_large")
            }
        }
    }

    @Test func hangingServerTimesOutAtTheDeadline() async throws {
        try await withScriptedServer(.hang) { server in
            try await withClient { client in
                let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", deadline: .now + .milliseconds(300))
                let error = await failure(of: request, on: client)
                #expect(error?.reason == "timed_out")
            }
        }
    }

    @Test func pastDeadlineFailsBeforeSending() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            try await withClient { client in
                let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", deadline: .now - .seconds(1))
                #expect(await failure(of: request, on: client)?.reason == "timed_out")
                #expect(server.connectionsAccepted == 0)
            }
        }
    }

    @Test func closedPortFailsToConnect() async throws {
        let port = try closedLoopbackPort()
        try await withClient { client in
            let request = HTTPRequest(url: "http://127.0.0.1:\(port)/", deadline: .now + .seconds(5))
            #expect(await failure(of: request, on: client)?.reason == "connect_failed")
        }
    }

    @Test(arguments: [
        "not a url", "ftp://127.0.0.1/file", "file:///etc/passwd", "127.0.0.1:80/no-scheme", "http://", "",
        "http://127.0.0.1/\u{0}x", "gopher://127.0.0.1/",
    ])
    func invalidURLsAreRejected(url: String) async throws {
        try await withClient { client in
            #expect(await failure(of: HTTPRequest(url: url), on: client)?.reason == "invalid_url")
        }
    }

    @Test func malformedHeadersAreRejectedWithoutEchoingValues() async throws {
        try await withClient { client in
            let injected = HTTPRequest(
                url: "http://127.0.0.1:1/", headers: [("Authorization", "Bearer key-123\r\nX-Evil: 1")])
            let error = await failure(of: injected, on: client)
            #expect(error?.reason == "invalid_request")
            #expect(error?.detail.contains("key-123") == false)
            let badName = HTTPRequest(url: "http://127.0.0.1:1/", headers: [("Bad Name", "v")])
            #expect(await failure(of: badName, on: client)?.reason == "invalid_request")
            let badMethod = HTTPRequest(method: "GET /x", url: "http://127.0.0.1:1/")
            #expect(await failure(of: badMethod, on: client)?.reason == "invalid_request")
        }
    }

    @Test func connectionClosedMidResponseIsATransportError() async throws {
        try await withScriptedServer(.closeMidResponse) { server in
            try await withClient { client in
                let request = HTTPRequest(
                    url: "http://127.0.0.1:\(server.port)/", headers: [("X-Api-Key", "secret-key")],
                    body: Array("secret-body".utf8))
                let error = await failure(of: request, on: client)
                #expect(error?.reason == "transport")
                #expect(error?.detail.contains("secret") == false)
            }
        }
    }

    @Test func plainHTTPServerOnHTTPSIsATLSError() async throws {
        try await withScriptedServer(.plainHTTPOnly) { server in
            try await withClient { client in
                let request = HTTPRequest(url: "https://127.0.0.1:\(server.port)/", deadline: .now + .seconds(5))
                #expect(await failure(of: request, on: client)?.reason == "tls")
            }
        }
    }

    @Test func cancellingTheCallerEndsTheRequestAndTheClientStillWorks() async throws {
        try await withScriptedServer(.hang) { server in
            try await withClient { client in
                let url = "http://127.0.0.1:\(server.port)/"
                let call = Task { try await client.execute(HTTPRequest(url: url, deadline: .now + .seconds(20))) }
                for _ in 0..<250 where server.connectionsAccepted == 0 { try await Task.sleep(for: .milliseconds(20)) }
                #expect(server.connectionsAccepted == 1)
                call.cancel()
                let result = await call.result
                #expect(throws: HTTPClientError.cancelled()) { try result.get() }
                try await withScriptedServer(.keepAliveOK) { healthy in
                    let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(healthy.port)/"))
                    #expect(response.status == 200)
                }
            }
        }
    }

    @Test func cancellationsRacingCompletionsResolveEachRequestOnce() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            try await withClient { client in
                let url = "http://127.0.0.1:\(server.port)/"
                let calls = (0..<100).map { _ in Task { try await client.execute(HTTPRequest(url: url)) } }
                for (index, call) in calls.enumerated() where index.isMultiple(of: 2) { call.cancel() }
                for call in calls {
                    switch await call.result {
                    case .success(let response): #expect(response.status == 200)
                    case .failure(let error): #expect(error as? HTTPClientError == .cancelled())
                    }
                }
                let afterwards = try await client.execute(HTTPRequest(url: url))
                #expect(afterwards.status == 200)
            }
        }
    }

    @Test func cancelledBeforeStartingNeverConnects() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            try await withClient { client in
                let url = "http://127.0.0.1:\(server.port)/"
                let call = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await client.execute(HTTPRequest(url: url))
                }
                await #expect(throws: HTTPClientError.cancelled()) { try await call.value }
                #expect(server.connectionsAccepted == 0)
            }
        }
    }

    @Test func shutdownFailsRunningAndLaterRequests() async throws {
        try await withScriptedServer(.hang) { server in
            let client = HTTPClient()
            let url = "http://127.0.0.1:\(server.port)/"
            let call = Task { try await client.execute(HTTPRequest(url: url, deadline: .now + .seconds(20))) }
            for _ in 0..<250 where server.connectionsAccepted == 0 { try await Task.sleep(for: .milliseconds(20)) }
            await client.shutdown()
            await #expect(throws: HTTPClientError.shutDown()) { try await call.value }
            #expect(await failure(of: HTTPRequest(url: url), on: client)?.reason == "shut_down")
            await client.shutdown()
        }
    }

    @Test func keepAliveServerSeesOneConnectionForSequentialRequests() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            try await withClient { client in
                for _ in 0..<10 {
                    let response = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
                    #expect(String(decoding: response.body, as: UTF8.self) == "ok")
                }
                #expect(server.connectionsAccepted == 1)
                #expect(client.statistics.connectionsOpened == 1)
            }
        }
    }

    @Test func disablingReuseOpensAConnectionPerRequest() async throws {
        try await withScriptedServer(.keepAliveOK) { server in
            try await withClient(.init(reuseConnections: false)) { client in
                for _ in 0..<3 {
                    _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
                }
                #expect(server.connectionsAccepted == 3)
            }
        }
    }
}
