import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A tiny blocking-socket HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose, for the client's failure paths.
///
/// Every thread it starts polls in short slices and checks the stop flag, so `stop()` always ends them.
final class ScriptedSocketServer: Sendable {
    /// What the server does with each connection.
    enum Script: Sendable {
        /// Answers every request on a connection with 200 "ok" and keeps the connection open.
        case keepAliveOK
        /// Reads the request and never answers.
        case hang
        /// Announces a 1000-byte body, sends 100 bytes of it, then closes the connection.
        case closeMidResponse
        /// Streams a chunked body of `bytes` bytes, or less if the client goes away first.
        case chunked(bytes: Int)
        /// Sends `100 Continue` (with an `X-Interim` field) after the request head, then a final 200 after the body.
        case interimThenOK
        /// Answers the first bytes it gets (e.g. a TLS ClientHello) with plain HTTP, then closes.
        case plainHTTPOnly
    }

    private struct State {
        var connectionsAccepted = 0
        var stopping = false
        var liveThreads = 0
    }

    /// The OS-assigned port the server listens on.
    let port: Int
    private let listener: Int32
    private let script: Script
    /// Behind an NSLock (a pthread mutex, which ThreadSanitizer models) rather than `Mutex`: on Linux `Mutex` locks
    /// with futexes inside the uninstrumented Synchronization library, so ThreadSanitizer cannot see its ordering and
    /// reported these counters, updated under the lock from raw threads, as racing.
    private final class GuardedState: @unchecked Sendable {
        private let lock = NSLock()
        private var value = State()

        func withLock<Result>(_ body: (inout State) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    private let state = GuardedState()

    init(_ script: Script) throws {
        self.script = script
        let (listener, port) = try Self.listenOnLoopback()
        self.listener = listener
        self.port = port
        startThread { $0.acceptLoop() }
    }

    /// Connections accepted so far.
    var connectionsAccepted: Int { state.withLock { $0.connectionsAccepted } }

    /// Stops accepting, ends every connection thread (waiting at most about five seconds) and closes the listener.
    func stop() async {
        state.withLock { $0.stopping = true }
        for _ in 0..<250 where state.withLock({ $0.liveThreads }) > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        close(listener)
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func startThread(_ work: @escaping @Sendable (ScriptedSocketServer) -> Void) {
        state.withLock { $0.liveThreads += 1 }
        Thread.detachNewThread { [self] in
            work(self)
            state.withLock { $0.liveThreads -= 1 }
        }
    }

    private func acceptLoop() {
        while !isStopping {
            guard waitReadable(listener) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            state.withLock { $0.connectionsAccepted += 1 }
            startThread { server in
                server.serve(connection)
                close(connection)
            }
        }
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var pending: [UInt8] = []
        switch script {
        case .keepAliveOK:
            while readRequest(connection, &pending) {
                guard send(connection, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") else { return }
            }
        case .hang:
            guard readRequest(connection, &pending) else { return }
            while !isStopping {
                if waitReadable(connection), receive(connection, &pending) == 0 { return }
            }
        case .closeMidResponse:
            guard readRequest(connection, &pending) else { return }
            _ = send(connection, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "x", count: 100))
        case .chunked(let bytes):
            guard readRequest(connection, &pending),
                send(connection, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            else { return }
            let chunk = "4000\r\n" + String(repeating: "c", count: 0x4000) + "\r\n"
            for _ in 0..<(bytes / 0x4000) where !isStopping {
                guard send(connection, chunk) else { return }
            }
            _ = send(connection, "0\r\n\r\n")
        case .interimThenOK:
            guard let length = readHead(connection, &pending),
                send(connection, "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"),
                readBody(connection, &pending, length: length)
            else { return }
            _ = send(connection, "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 5\r\n\r\nfinal")
        case .plainHTTPOnly:
            while !isStopping {
                if waitReadable(connection) {
                    _ = receive(connection, &pending)
                    _ = send(connection, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                }
            }
        }
    }

    /// Reads one request (head and `Content-Length` body) from `pending` and the socket; false on EOF or stop.
    private func readRequest(_ connection: Int32, _ pending: inout [UInt8]) -> Bool {
        guard let length = readHead(connection, &pending) else { return false }
        return readBody(connection, &pending, length: length)
    }

    /// Reads a request head and returns its `Content-Length` (0 when absent); nil on EOF or stop.
    private func readHead(_ connection: Int32, _ pending: inout [UInt8]) -> Int? {
        let terminator = Array("\r\n\r\n".utf8)
        while !isStopping {
            if let end = pending.firstRange(of: terminator)?.upperBound {
                let head = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                pending.removeFirst(end)
                return head.split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            }
            if waitReadable(connection), receive(connection, &pending) <= 0 { return nil }
        }
        return nil
    }

    /// Reads `length` body bytes; false on EOF or stop.
    private func readBody(_ connection: Int32, _ pending: inout [UInt8], length: Int) -> Bool {
        while !isStopping {
            if pending.count >= length {
                pending.removeFirst(length)
                return true
            }
            if waitReadable(connection), receive(connection, &pending) <= 0 { return false }
        }
        return false
    }

    private func receive(_ connection: Int32, _ pending: inout [UInt8]) -> Int {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = recv(connection, &buffer, buffer.count, 0)
        if count > 0 { pending.append(contentsOf: buffer[..<count]) }
        return count
    }

    private func send(_ connection: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Waits up to 50 ms for the socket to become readable.
    private func waitReadable(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 50) > 0
    }

    /// A socket listening on 127.0.0.1 with an OS-assigned port, and that port.
    static func listenOnLoopback() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestServerError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && listen(socket, 128) == 0
                    && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw TestServerError(description: "could not listen on 127.0.0.1")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// Runs `body` with a scripted server and stops the server afterwards, also when `body` throws.
func withScriptedServer<Value>(
    _ script: ScriptedSocketServer.Script, _ body: (ScriptedSocketServer) async throws -> Value
) async throws -> Value {
    let server = try ScriptedSocketServer(script)
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}

/// A loopback port that nothing listens on: bound by the OS, then released.
func closedLoopbackPort() throws -> Int {
    let (socket, port) = try ScriptedSocketServer.listenOnLoopback()
    close(socket)
    return port
}
