import AuthKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import Gateway

/// A remote issuer's JWKS endpoint goes down: at start the gateway is not ready and says which key set it lacks;
/// later, once it has fetched the set, it keeps verifying tokens with the last good keys.
@Suite struct KeySetOutageTests {
    /// The test policy plus an issuer whose key set is at `http://127.0.0.1:<port>/dev/jwks.json`.
    static func policy(jwksPort port: Int) -> String {
        TestGateway.policy() + """

            auth:
              issuers:
                - name: corp
                  issuers: ["http://127.0.0.1:\(port)/dev"]
                  jwks_url: "http://127.0.0.1:\(port)/dev/jwks.json"
                  client_ids: [\(DevIssuer.audience)]
            """
    }

    /// The JWKS endpoint's switch and what it saw while switched off.
    final class Endpoint: Sendable {
        let up = Atomic<Bool>(true)
        let fetchesWhileDown = Atomic<Int>(0)
    }

    static let remoteKey: DevSigningKey = {
        do { return try DevSigningKey.generate() } catch { fatalError("cannot generate a test key: \(error)") }
    }()

    @Test func downAtStartIsAClearReadinessFailure() async throws {
        let port = try GatewayProcess.freePort()
        let gateway = try TestGateway(policy: Self.policy(jwksPort: port)) { $0.devSignIn = false }
        let token = try DevIssuer(key: Self.remoteKey, host: "127.0.0.1", port: port)
            .token(email: "alice@example.com", now: Int64(Date().timeIntervalSince1970))
        try await gateway.live { client in
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            let check = try #require(
                (try ready.jsonObject()["checks"] as? [String: Any])?["key_sets"] as? [String: Any])
            #expect(check["ok"] as? Bool == false)
            let detail = try #require(check["detail"] as? String)
            #expect(detail.contains("http://127.0.0.1:\(port)/dev/jwks.json could not be fetched"), "\(detail)")
            let me = try await client.call(.get, "/v1/me", token: token)
            #expect(me.status == .unauthorized)
            #expect(try me.errorObject()["reason"] == "key_set_unavailable")
        }
    }

    @Test func downLaterKeepsVerifyingWithTheLastGoodKeys() async throws {
        let endpoint = Endpoint()
        let jwks = Router()
        jwks.get("dev/jwks.json") { _, _ in
            guard endpoint.up.load(ordering: .relaxed) else {
                endpoint.fetchesWhileDown.add(1, ordering: .relaxed)
                return Response(status: .serviceUnavailable)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=60"],
                body: .init(byteBuffer: ByteBuffer(bytes: Self.remoteKey.keySetDocument())))
        }
        try await Application(router: jwks, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { server in
                let port = try #require(server.port)
                let clock = ManualClock(Date())
                let gateway = try TestGateway(policy: Self.policy(jwksPort: port)) { $0.devSignIn = false }
                defer { gateway.remove() }
                var dependencies = gateway.dependencies
                dependencies.now = { clock.now }
                let token = try DevIssuer(key: Self.remoteKey, host: "127.0.0.1", port: port)
                    .token(email: "alice@example.com", now: Int64(clock.now.timeIntervalSince1970))
                let app = try await buildApplication(gateway.configuration, dependencies: dependencies)
                try await app.test(.live) { client in
                    #expect(try await client.call(.get, "/v1/me", token: token).status == .ok)
                    #expect(try await client.call(.get, "/readyz").status == .ok)

                    endpoint.up.store(false, ordering: .relaxed)
                    clock.advance(seconds: 120)
                    // A token not seen before, so no verified-token cache can answer for the key set.
                    let later = try DevIssuer(key: Self.remoteKey, host: "127.0.0.1", port: port)
                        .token(email: "bob@example.com", now: Int64(clock.now.timeIntervalSince1970))
                    let me = try await client.call(.get, "/v1/me", token: later)
                    #expect(me.status == .ok, "\(String(buffer: me.body))")
                    #expect(
                        endpoint.fetchesWhileDown.load(ordering: .relaxed) >= 1, "the expired set was not refetched")
                    #expect(try await client.call(.get, "/readyz").status == .ok)
                }
            }
    }
}
