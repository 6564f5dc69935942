import Foundation
import Locking

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL server from Debian's `postgresql` package: `initdb` into a temporary folder, listening on
/// 127.0.0.1 on a free port, one fresh database per test. When the test process runs as root (CI), the server runs
/// as the `postgres` user (initdb refuses root). A watchdog shell stops the server and deletes the folder once the
/// test process has exited, however it ends. Every wait is bounded.
final class PostgresTestServer: Sendable {
    let port: Int
    let directory: String
    private let binDirectory: String
    /// `setpriv` arguments that run a command as `postgres` (root only), else empty.
    private let runAs: [String]
    private let counter = Counter()

    /// The one server of this test process, started on first use.
    static func shared() async throws -> PostgresTestServer {
        try await SharedServer.instance.server()
    }

    private init(port: Int, directory: String, binDirectory: String, runAs: [String]) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
        self.runAs = runAs
    }

    /// Starts a new server (its own folder and port).
    static func start() async throws -> PostgresTestServer {
        let binDirectory = try findBinaries()
        let directory = try makeDirectory()
        var runAs: [String] = []
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else {
                throw TestSetupError(
                    "the tests run as root and initdb refuses root, but there is no `postgres` user to run it as; "
                        + "install Debian's postgresql package (scripts/install-deps.sh)")
            }
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw TestSetupError("cannot hand \(directory) to the postgres user (errno \(errno))")
            }
            runAs = ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        }
        let server = PostgresTestServer(
            port: try freePort(), directory: directory, binDirectory: binDirectory, runAs: runAs)
        let initdb = try await run(
            runAs + [
                binDirectory + "/initdb", "-D", server.dataDirectory, "-U", "gateway", "-A", "trust", "-E", "UTF8",
                "--no-sync",
            ], timeout: .seconds(120))
        guard initdb.status == 0 else {
            throw TestSetupError("initdb failed (exit \(initdb.status)): \(initdb.output.suffix(2000))")
        }
        try server.startWatchdog()
        try await server.startServer()
        return server
    }

    var dataDirectory: String { directory + "/data" }

    /// A store URL for a database of its own, created now.
    func freshDatabase() async throws -> String {
        let name = "test_\(getpid())_\(counter.next())"
        let created = try await Self.run(
            [
                binDirectory + "/psql", "-h", "127.0.0.1", "-p", String(port), "-U", "gateway", "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(name)",
            ], timeout: .seconds(30))
        guard created.status == 0 else {
            throw TestSetupError("cannot create database \(name): \(created.output.suffix(1000))")
        }
        return "postgres://gateway@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Stops the server (fast shutdown: connections are cut), keeping its data.
    func stop() async throws {
        let stopped = try await Self.run(
            runAs + [binDirectory + "/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"],
            timeout: .seconds(40))
        guard stopped.status == 0 else { throw TestSetupError("pg_ctl stop failed: \(stopped.output.suffix(1000))") }
    }

    /// Starts the server on its port and waits until it accepts connections.
    func startServer() async throws {
        let options = "-h 127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=300"
        let started = try await Self.run(
            runAs + [
                binDirectory + "/pg_ctl", "-D", dataDirectory, "-l", directory + "/server.log", "-o", options, "-w",
                "-t", "60", "start",
            ], timeout: .seconds(70))
        guard started.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw TestSetupError(
                "PostgreSQL did not start on 127.0.0.1:\(port): \(started.output.suffix(1000)) \(log.suffix(2000))")
        }
    }

    /// A shell that outlives nothing: once this process is gone it stops the server and deletes the folder.
    private func startWatchdog() throws {
        let stop = (runAs + [binDirectory + "/pg_ctl", "-D", dataDirectory, "-m", "immediate", "stop"])
            .map { "'\($0)'" }.joined(separator: " ")
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done
            \(stop) >/dev/null 2>&1
            rm -rf '\(directory)'
            """
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", script]
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }

    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw TestSetupError(
            "PostgreSQL is not installed (no \(root)/<version>/bin/initdb); run scripts/install-deps.sh, which "
                + "installs Debian's postgresql package")
    }

    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/gateway-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed (errno \(errno))") }
        return String(cString: made)
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("socket failed (errno \(errno))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("cannot find a free port (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to its end (at most `timeout`, then it is killed) and returns its status and output. Spawned
    /// and reaped by hand: Foundation's `Process` waits for every holder of its pipe to close it, and `pg_ctl start`
    /// leaves a daemon that would hold it forever.
    static func run(_ arguments: [String], timeout: Duration) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cmd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw TestSetupError("cannot start \(arguments[0]) (error \(spawned))") }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TestSetupError("\(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, text)
    }
}

/// Starts the shared server once per test process; every caller gets the same one (or the same failure).
private actor SharedServer {
    static let instance = SharedServer()
    private var started: Task<PostgresTestServer, any Error>?

    func server() async throws -> PostgresTestServer {
        if let started { return try await started.value }
        let task = Task { try await PostgresTestServer.start() }
        started = task
        return try await task.value
    }
}

/// Numbers for database names, unique within the process.
final class Counter: Sendable {
    private let value = LockedState(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

/// Something a test needs could not be set up; the message says what to install or fix.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
