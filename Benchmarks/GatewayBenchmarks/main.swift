import AuthKit
import Foundation
import Gateway
import Hummingbird
import Logging

/// Runs the real gateway (release build) for `scripts/bench-gateway.sh`: dev sign-in on loopback, the policy
/// folder given, an instant in-process provider for `kind: local`; writes a dev token to the token file.
/// With `floor` instead, a bare Hummingbird server whose `GET /v1/me` answers a fixed JSON body of the same size
/// with no middleware: what the framework itself costs on this machine, the floor under the gateway's figures.
/// `GATEWAY_BENCH_EXECUTOR=pool` keeps Swift's cooperative pool instead of NIO's event loops as the executor.
///
/// Usage: GatewayBenchmarks PORT POLICY_DIR DATA_DIR TOKEN_FILE
///        GatewayBenchmarks floor PORT
if ProcessInfo.processInfo.environment["GATEWAY_BENCH_EXECUTOR"] != "pool" { EventLoopExecutor.adopt() }
let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "floor", let port = Int(arguments[2]) {
    let body = ByteBuffer(string: String(repeating: "x", count: 566))
    let router = Router()
    router.get("v1/me") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
    var logger = Logger(label: "gateway-bench-floor")
    logger.logLevel = .warning
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    try await app.runService()
    exit(0)
}
guard arguments.count == 5, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(
        Data("usage: GatewayBenchmarks PORT POLICY_DIR DATA_DIR TOKEN_FILE | GatewayBenchmarks floor PORT\n".utf8))
    exit(2)
}
let key = try DevSigningKey.generate()
let configuration = GatewayConfiguration(
    host: "127.0.0.1", port: port, policyDirectory: arguments[2], dataDirectory: arguments[3], devSignIn: true,
    jobConcurrency: 64)
let dependencies = GatewayDependencies(
    providerFactories: [.local: { definition in try InstantProvider(name: definition.name) }], devSigningKey: key)
let issuer = DevIssuer(key: key, host: configuration.host, port: port, tokenLifetimeSeconds: 6 * 3600)
let token = try issuer.token(email: "bench@example.com", now: Int64(Date().timeIntervalSince1970))
try token.write(toFile: arguments[4], atomically: true, encoding: .utf8)
var logger = Logger(label: "gateway-bench")
logger.logLevel = .warning
let app = try await buildApplication(configuration, dependencies: dependencies, logger: logger)
try await app.runService()
