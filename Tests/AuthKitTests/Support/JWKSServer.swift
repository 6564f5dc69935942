import Hummingbird
import Locking
import Logging

/// A real key-set endpoint on 127.0.0.1 (port chosen by the system) whose answers the test controls,
/// counting the requests it receives.
final class JWKSServer: Sendable {
    enum Behaviour: Sendable {
        /// 200 with this body and these extra header fields.
        case serve(body: [UInt8], headers: [(String, String)])
        /// 200 with a body that is not a key set.
        case garbage
        /// This status and an empty body.
        case status(Int)
    }

    private struct State {
        var behaviour: Behaviour
        var requests = 0
        var delay: Duration = .zero
        var port = 0
    }

    private let state: LockedState<State>

    private init(_ behaviour: Behaviour) {
        state = LockedState(State(behaviour: behaviour))
    }

    /// The key-set URL.
    var url: String { "http://127.0.0.1:\(state.withLock { $0.port })/certs" }

    /// Requests answered so far.
    var requests: Int { state.withLock { $0.requests } }

    func setBehaviour(_ behaviour: Behaviour) {
        state.withLock { $0.behaviour = behaviour }
    }

    /// How long each answer waits before it is sent.
    func setDelay(_ delay: Duration) {
        state.withLock { $0.delay = delay }
    }

    private func respond() async throws -> Response {
        let (behaviour, delay) = state.withLock { state in
            state.requests += 1
            return (state.behaviour, state.delay)
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        switch behaviour {
        case .serve(let body, let extraHeaders):
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            for (name, value) in extraHeaders { headers[.init(name)!] = value }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        case .garbage:
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>not json</html>")))
        case .status(let code):
            return Response(status: HTTPResponse.Status(code: code))
        }
    }

    /// Runs `body` while the server listens, then stops the server.
    static func run<T: Sendable>(
        _ behaviour: Behaviour, _ body: @Sendable (JWKSServer) async throws -> T
    ) async throws -> T {
        let server = JWKSServer(behaviour)
        let router = Router()
        router.get("/certs") { _, _ in try await server.respond() }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "JWKSServer")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            let port = await ports.first { _ in true } ?? 0
            server.state.withLock { $0.port = port }
            do {
                let result = try await body(server)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
