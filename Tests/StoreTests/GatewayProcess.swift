import Foundation
import HTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// One `diffusion-gateway serve` process, the executable this package builds, on a port of its own. Unchecked
/// Sendable: `Process` is not marked Sendable; it is only started, signalled and polled.
final class GatewayProcess: @unchecked Sendable {
    let port: Int
    let name: String
    private let process: Process
    let logPath: String

    /// The debug build of the gateway, beside this package's sources.
    static var executable: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/diffusion-gateway").path
    }

    /// Starts `serve` with `arguments` added and waits (at most a minute) until `/healthz` answers.
    init(name: String, arguments: [String], environment: [String: String], folder: URL, client: HTTPClient)
        async throws
    {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw TestSetupError("no gateway executable at \(Self.executable); build it first (swift build)")
        }
        self.name = name
        port = try PostgresTestServer.freePort()
        logPath = folder.appendingPathComponent("\(name).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            [
                "serve", "--host", "127.0.0.1", "--port", String(port), "--instance-id", name,
                "--data", folder.appendingPathComponent("data-\(name)").path,
            ] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<600 {
            if !process.isRunning { break }
            if let answer = try? await client.execute(HTTPRequest(url: url("/healthz"), deadline: .now + .seconds(1))),
                answer.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill()
        throw TestSetupError("gateway \(name) did not come up: \(tail())")
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Kills the process at once (SIGKILL): nothing is closed, no lease is given back.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Asks the process to stop (SIGTERM) and waits up to `timeout`, then kills it.
    func stop(timeout: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill()
    }

    /// The end of the process's log, for failure messages.
    func tail() -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(3000))
    }
}

/// The HTTP client's request and response types, named apart from Hummingbird's (tests import both).
typealias ClientRequest = HTTPRequest
typealias ClientResponse = HTTPResponse
