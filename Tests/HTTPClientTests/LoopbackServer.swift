import HTTPClient
import Hummingbird
import Logging

/// Errors from the test servers themselves (not from the client under test).
struct TestServerError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a Hummingbird application on 127.0.0.1 with an OS-assigned port while `body` runs, then stops it.
func withLoopbackServer<Value: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (_ port: Int) async throws -> Value
) async throws -> Value {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "HTTPClientTests.server")
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        }, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portSink.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port != 0 else {
            throw TestServerError(description: "the loopback server did not start")
        }
        let value = try await body(port)
        group.cancelAll()
        return value
    }
}

/// The routes the client tests talk to.
func makeTestRouter() -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/hello") { _, _ in "hello" }
    router.get("/echo-headers") { request, _ in
        var headers = HTTPFields()
        headers[.init("X-Echo-Token")!] = request.headers[.init("X-Token")!] ?? "missing"
        headers[.init("X-Echo-Query")!] = request.uri.query ?? ""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "headers")))
    }
    router.post("/echo") { request, _ in
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers = HTTPFields()
        headers[.contentType] = request.headers[.contentType] ?? "none"
        headers[.init("X-Echo-Method")!] = request.method.rawValue
        return Response(status: .created, headers: headers, body: .init(byteBuffer: body))
    }
    router.put("/echo") { request, _ in
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        return Response(status: .ok, body: .init(byteBuffer: body))
    }
    router.get("/status/{code}") { _, context in
        let code = try context.parameters.require("code", as: Int.self)
        return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: "status \(code)")))
    }
    router.get("/bytes/{count}") { _, context in
        let count = try context.parameters.require("count", as: Int.self)
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: count)))
    }
    router.head("/bytes/{count}") { _, context in
        let count = try context.parameters.require("count", as: Int.self)
        return Response(status: .ok, headers: [.contentLength: String(count)])
    }
    router.get("/chunked/{count}") { _, context in
        let count = try context.parameters.require("count", as: Int.self)
        let body = ResponseBody { writer in
            var left = count
            while left > 0 {
                let size = min(left, 16 * 1024)
                try await writer.write(ByteBuffer(repeating: 0x62, count: size))
                left -= size
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, body: body)
    }
    router.get("/redirect") { _, _ in
        var headers = HTTPFields()
        headers[.location] = "/hello"
        headers[.init("X-Redirect-Only")!] = "yes"
        return Response(status: .found, headers: headers)
    }
    return router
}
