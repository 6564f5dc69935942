import AuthKit
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import NIOCore
import Providers

/// A gateway for one test: a temp policy folder and data folder, the test provider injected for `kind: local`,
/// dev sign-in on with a shared key, and helpers to mint tokens and call the API.
struct TestGateway {
    /// One RSA key for the whole test run (generating one takes a moment).
    static let devKey: DevSigningKey = {
        do { return try DevSigningKey.generate() } catch { fatalError("cannot generate the test dev key: \(error)") }
    }()

    /// A policy with a `free` tier on provider `fast`, an admin, a blocked email and a denied network.
    static func policy(
        limits: String = "images_per_day: 3",
        provider: String = "{name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}",
        chain: String = "[fast]", network: String = "{deny: [10.0.0.0/8], trusted_proxies: [127.0.0.1, \"::1\"]}"
    ) -> String {
        """
        providers:
          - \(provider)
        admins:
          emails: [admin@example.com]
        blocks:
          emails: [blocked@example.com]
        network: \(network)
        tiers:
          - name: free
            providers: \(chain)
            limits: {\(limits), max_steps: 20, max_width: 512, max_height: 512}
        users:
          - default: true
            tier: free
        """
    }

    let configuration: GatewayConfiguration
    let dependencies: GatewayDependencies
    let issuer: DevIssuer
    let root: URL

    init(
        policy: String = TestGateway.policy(),
        behaviour: TestImageProvider.Behaviour = .succeed(stepDelay: .milliseconds(5), paidSeconds: 2),
        behaviours: [String: TestImageProvider.Behaviour] = [:],
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-test-\(UUID().uuidString)")
        let policies = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try policy.write(to: policies.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        var configuration = GatewayConfiguration(
            host: "127.0.0.1", port: 0, policyDirectory: policies.path,
            dataDirectory: root.appendingPathComponent("data").path, devSignIn: true,
            shutdownGracePeriod: .seconds(2))
        configure(&configuration)
        self.configuration = configuration
        dependencies = GatewayDependencies(
            providerFactories: [
                .local: { definition in
                    TestImageProvider(name: definition.name, behaviour: behaviours[definition.name] ?? behaviour)
                }
            ],
            devSigningKey: Self.devKey, now: now, reloadOnSIGHUP: false)
        issuer = DevIssuer(key: Self.devKey, host: configuration.host, port: configuration.port)
    }

    /// Builds the application and runs `body` against it over real sockets, then shuts it down gracefully;
    /// the temp folders are removed unless `keepData` (then call `remove()`).
    func live<Value: Sendable>(
        keepData: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        defer { if !keepData { remove() } }
        let app = try await buildApplication(configuration, dependencies: dependencies)
        return try await app.test(.live, body)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// A dev token for `email`.
    func token(_ email: String = "alice@example.com", claims: [String: JSONValue] = [:], now: Date = Date()) throws
        -> String
    {
        try issuer.token(email: email, now: Int64(now.timeIntervalSince1970), extraClaims: claims)
    }

    /// A clock stopped in the middle of the current minute, for tests of per-minute windows: with a running clock a
    /// slow run (a sanitizer, a busy machine) may cross a minute boundary between two requests, which resets the
    /// window. Tokens are still checked against the real time, which is at most 30 s away (within their leeway).
    static func midMinute() -> @Sendable () -> Date {
        let pinned = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 30)
        return { pinned }
    }

    /// The database path, for opening a read-only ledger beside the gateway.
    var databasePath: String { configuration.dataDirectory + "/gateway.sqlite" }
}

extension TestClientProtocol {
    /// Sends a request with a Bearer token and an optional JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Submits a generation and returns its id.
    func submit(token: String, body: String = #"{"prompt": "a red fox", "steps": 4, "width": 256, "height": 256}"#)
        async throws -> String
    {
        let response = try await call(.post, "/v1/generations", token: token, json: body)
        guard response.status == .accepted, let id = try response.jsonObject()["id"] as? String else {
            throw TestFailure("submit answered \(response.status): \(String(buffer: response.body))")
        }
        return id
    }

    /// Polls a generation until it has finished (at most 60 s: seconds usually, longer under ThreadSanitizer beside
    /// the whole suite) and returns its JSON.
    func waitFinished(_ id: String, token: String) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let job = try await call(.get, "/v1/generations/\(id)", token: token).jsonObject()
            if let status = job["status"] as? String, !["queued", "running"].contains(status) { return job }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("generation \(id) did not finish in 60 s")
    }
}

extension TestResponse {
    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
            throw TestFailure("body is not a JSON object: \(String(buffer: body))")
        }
        return object
    }

    /// The `error` object of the gateway's error shape.
    func errorObject() throws -> [String: String] {
        guard let error = try jsonObject()["error"] as? [String: String] else {
            throw TestFailure("body has no error object: \(String(buffer: body))")
        }
        return error
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
