import Foundation
import Gateway
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Limits on what a connection may send, and what keeps a long one open.
@Suite struct ConnectionLimitTests {
    @Test func headerBlockOverTheCapIsRefusedAndTheServerCarriesOn() async throws {
        let gateway = try TestGateway { $0.maxHeaderBytes = 4 * 1024 }
        try await gateway.live { client in
            let port = try #require(client.port)
            let big = String(repeating: "a", count: 8 * 1024)
            let reply = try await RawExchange.send(
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(big)\r\n\r\n", port: port)
            let statusLine = reply.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
            // The HTTP parser refuses the header block before any route runs: a bare 400, then the connection closes.
            #expect(statusLine == "HTTP/1.1 400 Bad Request", "got: \(statusLine)")
            let fine = try await RawExchange.send(
                "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
            #expect(fine.hasPrefix("HTTP/1.1 200"))
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
    }

    @Test func tooManyHeaderFieldsAreRefused() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let port = try #require(client.port)
            let fields = (0..<150).map { "X-Field-\($0): v\r\n" }.joined()
            let reply = try await RawExchange.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\(fields)\r\n", port: port)
            #expect(!reply.hasPrefix("HTTP/1.1 200"), "a request with 150 header fields was served")
            #expect(try await client.call(.get, "/healthz").status == .ok)
        }
    }

    @Test func eventStreamSendsHeartbeatsWhileTheJobIsQuiet() async throws {
        // Two quiet seconds before each of the three steps: a stream that attaches late (a machine busy with the
        // whole suite under a sanitizer) still sits through a quiet stretch.
        let gateway = try TestGateway(behaviour: .succeed(stepDelay: .seconds(2), paidSeconds: 1)) {
            $0.eventHeartbeat = .milliseconds(40)
        }
        try await gateway.live { client in
            let token = try gateway.token()
            let id = try await client.submit(
                token: token, body: #"{"prompt": "a slow fox", "steps": 3, "width": 64, "height": 64}"#)
            let events = try await client.call(.get, "/v1/generations/\(id)/events", token: token)
            let stream = String(buffer: events.body)
            #expect(stream.contains(": heartbeat\n\n"))
            #expect(stream.hasSuffix("\n\n") && stream.contains("event: done"))
            let afterDone = stream.components(separatedBy: "event: done").last ?? ""
            #expect(!afterDone.contains("heartbeat"), "heartbeats went on after the job finished")
        }
    }
}

/// TEST HELPER: one HTTP/1.1 exchange over a plain socket, for requests a well-behaved client cannot send.
/// Reads until the server closes the connection (so send `Connection: close` when it would not), at most ~10 s.
/// The blocking socket calls run on a Dispatch thread, never on the cooperative pool the server also needs.
enum RawExchange {
    static func send(_ request: String, port: Int) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try exchange(request, port: port) })
            }
        }
    }

    private static func exchange(_ request: String, port: Int) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestFailure("connect() to port \(port) failed") }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }  // the server may close early on a request it refuses
            sent += count
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<256 {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }
}
