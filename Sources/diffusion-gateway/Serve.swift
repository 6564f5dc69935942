import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway's HTTP service.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Folder of policy YAML files.")
    var policies = "policies"

    @Option(help: "Folder for the database and other state.")
    var data = "data"

    @Flag(help: "Turn on dev sign-in (/dev/login, /dev/jwks.json): tokens for any email. Loopback addresses only.")
    var dev = false

    @Option(help: "A browser origin allowed through CORS (repeat for more), e.g. https://app.example.com.")
    var corsOrigin: [String] = []

    @Option(help: "Jobs run at the same time.")
    var jobs = 4

    @Option(help: "Seconds graceful shutdown (SIGTERM) lets running jobs finish before recording them as interrupted.")
    var shutdownGrace = 30

    @Option(
        help: ArgumentHelp(
            "Shared PostgreSQL database for several instances, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
                + "(default: $GATEWAY_STORE; unset keeps SQLite in --data).", valueName: "url"))
    var store: String?

    /// `--store`, else `$GATEWAY_STORE` when set and not empty.
    var storeURL: String? {
        store ?? ProcessInfo.processInfo.environment["GATEWAY_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    @Option(help: "This instance's name in the ledger (default: $GATEWAY_INSTANCE_ID, else the host name).")
    var instanceID: String =
        ProcessInfo.processInfo.environment["GATEWAY_INSTANCE_ID"] ?? ProcessInfo.processInfo.hostName

    @Option(help: "With --store: seconds after its last heartbeat that a dead instance's holds are released.")
    var leaseSeconds = 30

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace must not be negative") }
        guard (1...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be 1 to 3600") }
        if let store = storeURL {
            do {
                _ = try PostgresStoreURL(store)
            } catch {
                throw ValidationError(error.message)
            }
        }
        let configuration = GatewayConfiguration(host: host, port: port)
        if dev, !configuration.isLoopback {
            throw ValidationError(GatewaySetupError.devSignInNotLoopback(host: host).message)
        }
    }

    func run() async throws {
        EventLoopExecutor.adopt()
        let configuration = GatewayConfiguration(
            host: host, port: port, policyDirectory: policies, dataDirectory: data, devSignIn: dev,
            corsOrigins: corsOrigin, jobConcurrency: jobs, shutdownGracePeriod: .seconds(shutdownGrace),
            instanceID: instanceID, store: storeURL, lease: .seconds(leaseSeconds))
        var logger = Logger(label: "diffusion-gateway")
        logger.logLevel = .info
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration, logger: logger)
        } catch let error as PolicyLoadError {
            Self.exit(withError: StartupRefusal("refusing to start: \(error)"))
        } catch let error as GatewaySetupError {
            Self.exit(withError: StartupRefusal("refusing to start: \(error.message)"))
        } catch let error as StoreError {
            Self.exit(withError: StartupRefusal("refusing to start: \(error.message)"))
        }
        if dev {
            logger.notice(
                "dev sign-in: open http://\(host):\(port)/ (the web front) or /dev/login in a browser, or ask it for JSON")
        }
        try await app.runService()
    }
}

/// Why `serve` would not start, printed as it is (without the usage text a `ValidationError` adds).
struct StartupRefusal: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
