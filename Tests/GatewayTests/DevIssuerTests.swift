import AuthKit
import Foundation
import Testing

@testable import Gateway

@Suite struct DevIssuerTests {
    /// A dev token verifies through the same `IDTokenVerifier` path as Google's, with a stable subject.
    @Test func devTokensVerifyThroughTheVerifier() async throws {
        let issuer = DevIssuer(key: TestGateway.devKey, host: "127.0.0.1", port: 8080)
        #expect(issuer.issuer == "http://127.0.0.1:8080/dev")
        let clock = InjectedWallClock(read: { Date() })
        let verifier = IDTokenVerifier(issuers: [issuer.trustedIssuer(clock: clock)], clock: clock)
        let token = try issuer.token(email: "Carol@Example.com", name: "Carol", now: clock.now())
        let identity = try await verifier.verify(token)
        #expect(identity.email == "Carol@Example.com")
        #expect(identity.emailVerified)
        #expect(identity.subject == DevIssuer.subject(for: "carol@example.com"))
        #expect(identity.issuer == issuer.issuer)
        let other = DevIssuer(key: TestGateway.devKey, host: "::1", port: 9000)
        #expect(other.issuer == "http://[::1]:9000/dev")
        await #expect(throws: AuthError.self) {
            _ = try await verifier.verify(try other.token(email: "carol@example.com", now: clock.now()))
        }
    }
}
