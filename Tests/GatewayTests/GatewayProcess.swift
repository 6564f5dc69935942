import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// TEST HARNESS: the real `diffusion-gateway serve --dev` as a child process on a free loopback port, with its own
/// policy and data folders, its output in a log file, and helpers to call it over HTTP, signal it and wait for it.
/// The process faults (`kill -9`, SIGTERM, storage refusing writes) need a process of their own.
final class GatewayProcess: @unchecked Sendable {
    /// The environment variable the test policies name for a remote provider's key.
    static let remoteKeyVariable = "GATEWAY_TEST_REMOTE_KEY"

    let process = Process()
    let port: Int
    let log: URL
    private let session: URLSession

    /// The `diffusion-gateway` executable, built next to the test bundle by `swift build --build-tests`.
    static func executableURL() -> URL? {
        var folders: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        return folders.map { $0.appendingPathComponent("diffusion-gateway") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether this machine lets a process make a user and mount namespace of its own (`unshare -rm`), which the
    /// read-only data folder needs.
    static let canUnshare: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["-rm", "true"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// Starts `serve --dev` on `folder/policies` and `folder/data`, logging to `folder/gateway-<port>.log`.
    /// - Parameters:
    ///   - ignoringFileSizeSignal: start it with SIGXFSZ ignored, so a file-size limit makes its writes fail with
    ///     EFBIG instead of killing it (as a service manager may configure).
    ///   - readOnlyData: start it in a user and mount namespace of its own where `folder/data` is a read-only bind
    ///     mount of itself, which stops writes for root too (see `canUnshare`).
    init(folder: URL, arguments: [String] = [], ignoringFileSizeSignal: Bool = false, readOnlyData: Bool = false)
        throws
    {
        guard let executable = Self.executableURL() else {
            throw TestFailure("diffusion-gateway not found; build with swift build --build-tests")
        }
        port = try Self.freePort()
        log = folder.appendingPathComponent("gateway-\(port).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let serve =
            [
                "serve", "--dev", "--port", "\(port)", "--policies", folder.appendingPathComponent("policies").path,
                "--data", folder.appendingPathComponent("data").path,
            ] + arguments
        if readOnlyData {
            let data = folder.appendingPathComponent("data").path
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments =
                [
                    "-rm", "/bin/sh", "-c",
                    "mount --bind \"$0\" \"$0\" && mount -o remount,ro,bind \"$0\" && exec \"$@\"", data,
                    executable.path,
                ] + serve
        } else if ignoringFileSizeSignal {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; exec \"$0\" \"$@\"", executable.path] + serve
        } else {
            process.executableURL = executable
            process.arguments = serve
        }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.remoteKeyVariable] = "remote-key"
        // Under the sanitizer run the gateway is an ASan build too; its leak check at exit would turn a stop that
        // abandons running tasks (SIGTERM past the grace period, kill -9's restart) into exit status 1, which is
        // what these tests read. Leaks are checked in the test process itself.
        environment["ASAN_OPTIONS"] = [environment["ASAN_OPTIONS"], "detect_leaks=0"].compactMap { $0 }
            .joined(separator: ":")
        process.environment = environment
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 20
        session = URLSession(configuration: configuration)
        try process.run()
    }

    /// What the process wrote so far (for failure messages).
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits (at most `seconds`) until `/healthz` answers.
    func waitUntilHealthy(within seconds: Int = 60) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestFailure("the gateway exited: \(output.suffix(2000))") }
            if let (status, _) = try? await call("GET", "/healthz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the gateway did not answer /healthz in \(seconds) s: \(output.suffix(2000))")
    }

    /// A dev token for `email` from the process's `/dev/login`.
    func token(_ email: String = "alice@example.com") async throws -> String {
        let (status, body) = try await call("GET", "/dev/login?format=json&email=\(email)")
        guard status == 200, let token = body["id_token"] as? String else {
            throw TestFailure("/dev/login answered \(status): \(body)")
        }
        return token
    }

    /// Sends a request and returns the status and the JSON object of the body (empty when it is not one).
    func call(_ method: String, _ path: String, token: String? = nil, json: String? = nil) async throws
        -> (status: Int, body: [String: Any])
    {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw TestFailure("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (status, object ?? [:])
    }

    /// Submits a 64x64 generation; returns the status and the job id when it was accepted.
    func submit(token: String) async throws -> (status: Int, id: String?) {
        let (status, body) = try await call(
            "POST", "/v1/generations", token: token,
            json: #"{"prompt": "a red fox", "steps": 4, "width": 64, "height": 64}"#)
        return (status, body["id"] as? String)
    }

    /// Polls a job until it has finished (at most `seconds`) and returns its status.
    func waitFinished(_ id: String, token: String, within seconds: Int = 30) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let (_, job) = try await call("GET", "/v1/generations/\(id)", token: token)
            if let status = job["status"] as? String, !["queued", "running"].contains(status) { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("generation \(id) did not finish in \(seconds) s")
    }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (at most `seconds`) for the process to exit; true when it did.
    func waitForExit(within seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    /// Kills the process if it still runs (the end of every test, whatever happened).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        session.invalidateAndCancel()
    }
}
