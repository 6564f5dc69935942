import AuthKit
import COpenSSL
import Testing

/// One test per verification rule, including the classic JWT attacks; each must be refused with its reason.
@Suite struct TokenRuleTests {
    private func forge(header: JSONValue, claims: [String: JSONValue] = Fixture.claims(), signature: [UInt8])
        -> String
    {
        Base64URL.encode(header.serialized()) + "." + Base64URL.encode(JSONValue.object(claims).serialized()) + "."
            + Base64URL.encode(signature)
    }

    @Test func validTokenGivesItsIdentity() async throws {
        let identity = try await Fixture.verifier().verify(Fixture.token())
        #expect(
            identity
                == Identity(
                    subject: "110169484474386276334", email: "ada@example.com", emailVerified: true,
                    hostedDomain: "example.com", name: "Ada", issuer: "https://accounts.google.com"))
    }

    @Test func bothGoogleIssuerSpellingsAreAccepted() async {
        #expect(await Fixture.outcome(Fixture.token(["iss": "accounts.google.com"])) == "accepted")
        #expect(await Fixture.outcome(Fixture.token(["iss": "https://accounts.google.com"])) == "accepted")
    }

    @Test func algNoneIsRefused() async {
        let token = forge(header: ["alg": "none", "kid": "primary-key"], signature: [])
        #expect(await Fixture.outcome(token) == "unsupported_algorithm")
        let withSignature = forge(header: ["alg": "none", "kid": "primary-key"], signature: [1, 2, 3])
        #expect(await Fixture.outcome(withSignature) == "unsupported_algorithm")
    }

    @Test func hs256SignedWithThePublicKeyIsRefused() async throws {
        let secret = Array(TestKeys.primary.keySetDocument())
        let header = Base64URL.encode(JSONValue.object(["alg": "HS256", "kid": "primary-key"]).serialized())
        let payload = Base64URL.encode(JSONValue.object(Fixture.claims()).serialized())
        let signingInput = Array((header + "." + payload).utf8)
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), secret, Int32(secret.count), signingInput, signingInput.count, &mac, &length)
        let token = header + "." + payload + "." + Base64URL.encode(mac.prefix(Int(length)))
        #expect(await Fixture.outcome(token) == "unsupported_algorithm")
    }

    @Test(arguments: ["HS256", "HS384", "HS512", "RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256"])
    func everyOtherAlgorithmIsRefused(alg: String) async throws {
        let token = try TestKeys.primary.sign(
            header: ["alg": .string(alg), "kid": "primary-key"], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "unsupported_algorithm")
    }

    @Test func embeddedJWKHeaderIsRefused() async throws {
        let token = try TestKeys.other.sign(
            header: ["alg": "RS256", "kid": "other-key", "jwk": .object(TestKeys.other.publicJWK)],
            claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "forbidden_header")
    }

    @Test(arguments: ["jku", "x5u", "x5c"])
    func keyLocatingHeadersAreRefused(name: String) async throws {
        let token = try TestKeys.primary.sign(
            header: ["alg": "RS256", "kid": "primary-key", name: "https://attacker.example/keys"],
            claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "forbidden_header")
    }

    @Test func unknownCriticalHeaderIsRefused() async throws {
        let token = try TestKeys.primary.sign(
            header: ["alg": "RS256", "kid": "primary-key", "crit": ["b64"], "b64": false], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "unsupported_critical_header")
    }

    @Test func missingKidIsRefused() async throws {
        let token = try TestKeys.primary.sign(header: ["alg": "RS256"], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "malformed")
    }

    @Test(arguments: ["../../etc/passwd", "keys/primary-key", "..\\primary-key", "primary key", ""])
    func kidWithPathCharactersIsRefused(kid: String) async throws {
        let token = try TestKeys.primary.sign(header: ["alg": "RS256", "kid": .string(kid)], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "malformed")
    }

    @Test func unknownKidIsRefused() async throws {
        let token = try TestKeys.primary.sign(header: ["alg": "RS256", "kid": "no-such-key"], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "unknown_key")
    }

    @Test func payloadTamperedAfterSigningIsRefused() async {
        let parts = Fixture.token().split(separator: ".").map(String.init)
        let tampered = Base64URL.encode(JSONValue.object(Fixture.claims(["sub": "admin"])).serialized())
        #expect(await Fixture.outcome([parts[0], tampered, parts[2]].joined(separator: ".")) == "bad_signature")
    }

    @Test func signatureFromAnotherKeyIsRefused() async throws {
        let token = try TestKeys.other.sign(header: ["alg": "RS256", "kid": "primary-key"], claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "bad_signature")
    }

    @Test func truncatedOrExtendedSignatureIsRefused() async {
        let parts = Fixture.token().split(separator: ".").map(String.init)
        let signature = Base64URL.decode(parts[2])!
        for altered in [Array(signature.dropLast(3)), [0] + signature, signature + [0], Array(signature.dropFirst())] {
            let token = [parts[0], parts[1], Base64URL.encode(altered)].joined(separator: ".")
            #expect(await Fixture.outcome(token) == "bad_signature")
        }
    }

    @Test func expiredTokenIsRefused() async {
        let token = Fixture.token(["iat": .integer(Fixture.now - 4000), "exp": .integer(Fixture.now - 61)])
        #expect(await Fixture.outcome(token) == "expired")
    }

    @Test func expiryWithinLeewayIsAccepted() async {
        let token = Fixture.token(["iat": .integer(Fixture.now - 4000), "exp": .integer(Fixture.now - 59)])
        #expect(await Fixture.outcome(token) == "accepted")
    }

    @Test func notYetValidTokenIsRefused() async {
        #expect(await Fixture.outcome(Fixture.token(["nbf": .integer(Fixture.now + 61)])) == "not_yet_valid")
        #expect(await Fixture.outcome(Fixture.token(["nbf": .integer(Fixture.now + 59)])) == "accepted")
    }

    @Test func iatInTheFutureIsRefused() async {
        let token = Fixture.token(["iat": .integer(Fixture.now + 120), "exp": .integer(Fixture.now + 3700)])
        #expect(await Fixture.outcome(token) == "issued_in_future")
    }

    @Test func extremeTimeValuesAreRefusedWithoutOverflow() async {
        let token = Fixture.token(["iat": .integer(.min), "exp": .integer(.max), "nbf": .integer(.min)])
        #expect(await Fixture.outcome(token) == "lifetime_too_long")
        #expect(await Fixture.outcome(Fixture.token(["exp": .integer(.min)])) == "expired")
        #expect(await Fixture.outcome(Fixture.token(["nbf": .integer(.max)])) == "not_yet_valid")
        #expect(await Fixture.outcome(Fixture.token(["iat": .integer(.max)])) == "issued_in_future")
    }

    @Test func lifetimeLongerThanTheMaximumIsRefused() async {
        let token = Fixture.token(["iat": .integer(Fixture.now - 10), "exp": .integer(Fixture.now + 25 * 3600)])
        #expect(await Fixture.outcome(token) == "lifetime_too_long")
    }

    @Test(arguments: [JSONValue.string("1800003590"), .float(1_800_003_590.0), .float(1.80000359e9), .null])
    func expThatIsNotAnIntegerIsRefused(exp: JSONValue) async {
        #expect(await Fixture.outcome(Fixture.token(["exp": exp])) == "invalid_claim")
    }

    @Test func missingTimeClaimsAreRefused() async {
        #expect(await Fixture.outcome(Fixture.token(["exp": nil])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["iat": nil])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["iat": .float(1.8e9)])) == "invalid_claim")
    }

    @Test func audienceArrayWithoutTheClientIDIsRefused() async {
        let token = Fixture.token(["aud": ["another-client", "third-client"]])
        #expect(await Fixture.outcome(token) == "wrong_audience")
    }

    @Test func audienceArrayWithTheClientIDIsAccepted() async {
        #expect(
            await Fixture.outcome(Fixture.token(["aud": ["another-client", .string(Fixture.clientID)]])) == "accepted")
    }

    @Test func wrongOrMalformedAudienceIsRefused() async {
        #expect(await Fixture.outcome(Fixture.token(["aud": "another-client"])) == "wrong_audience")
        #expect(await Fixture.outcome(Fixture.token(["aud": nil])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["aud": []])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["aud": [1]])) == "invalid_claim")
    }

    @Test func wrongIssuerIsRefused() async {
        #expect(await Fixture.outcome(Fixture.token(["iss": "https://evil.example"])) == "wrong_issuer")
        #expect(await Fixture.outcome(Fixture.token(["iss": "http://accounts.google.com"])) == "wrong_issuer")
        #expect(await Fixture.outcome(Fixture.token(["iss": nil])) == "wrong_issuer")
    }

    @Test func paddedBase64URLIsRefused() async {
        let parts = Fixture.token().split(separator: ".").map(String.init)
        let padded = parts.map { $0 + String(repeating: "=", count: (4 - $0.count % 4) % 4) }
        #expect(padded != parts)
        #expect(await Fixture.outcome(padded.joined(separator: ".")) == "malformed")
        #expect(await Fixture.outcome([parts[0] + "=", parts[1], parts[2]].joined(separator: ".")) == "malformed")
    }

    @Test func standardBase64AlphabetIsRefused() async {
        let token = Fixture.token()
        let payload = token.split(separator: ".")[1]
        let swapped = String(token.map { $0 == "_" ? "/" : $0 == "-" ? "+" : $0 })
        #expect(!payload.isEmpty)
        if swapped != token { #expect(await Fixture.outcome(swapped) == "malformed") }
        #expect(await Fixture.outcome(" " + token) == "malformed")
    }

    @Test func megabyteTokenIsRefused() async {
        let huge = String(repeating: "A", count: 1 << 20)
        #expect(await Fixture.outcome(huge + "." + huge + "." + huge) == "token_too_large")
        #expect(
            await Fixture.outcome(Fixture.token(["name": .string(String(repeating: "x", count: 9000))]))
                == "token_too_large")
    }

    @Test func fourSegmentsAreRefused() async {
        #expect(await Fixture.outcome(Fixture.token() + ".AAAA") == "malformed")
        #expect(await Fixture.outcome(Fixture.token() + ".") == "malformed")
        let parts = Fixture.token().split(separator: ".")
        #expect(await Fixture.outcome(parts[0] + "." + parts[1]) == "malformed")
        #expect(await Fixture.outcome("") == "malformed")
    }

    @Test func duplicateSubKeysAreRefused() async throws {
        let payload = Array(
            """
            {"iss":"https://accounts.google.com","aud":"\(Fixture.clientID)","sub":"victim","sub":"attacker",\
            "iat":\(Fixture.now - 10),"exp":\(Fixture.now + 3590)}
            """.utf8)
        let header = JSONValue.object(["alg": "RS256", "kid": "primary-key"]).serialized()
        let token = try TestKeys.primary.sign(rawHeader: header, rawPayload: payload)
        #expect(await Fixture.outcome(token) == "malformed")
    }

    @Test func duplicateHeaderKeysAreRefused() async throws {
        let header = Array(#"{"alg":"RS256","kid":"primary-key","alg":"none"}"#.utf8)
        let token = try TestKeys.primary.sign(
            rawHeader: header, rawPayload: JSONValue.object(Fixture.claims()).serialized())
        #expect(await Fixture.outcome(token) == "malformed")
    }

    @Test func payloadThatIsNotAnObjectIsRefused() async throws {
        let header = JSONValue.object(["alg": "RS256", "kid": "primary-key"]).serialized()
        for payload in ["[1]", "\"text\"", "", "{\"a\":1} x"] {
            let token = try TestKeys.primary.sign(rawHeader: header, rawPayload: Array(payload.utf8))
            #expect(await Fixture.outcome(token) == "malformed")
        }
    }

    @Test func keyUnder2048BitsIsRefused() async throws {
        let verifier = Fixture.verifier(keys: [TestKeys.primary, TestKeys.weak])
        #expect(TestKeys.weak.bits == 1024)
        #expect(await Fixture.outcome(Fixture.token(key: TestKeys.weak), verifier: verifier) == "unknown_key")
        let keySet = try KeySet(document: TestKeys.primary.keySetDocument(additional: [TestKeys.weak.publicJWK]))
        #expect(keySet.keys.keys.sorted() == ["primary-key"])
        #expect(keySet.skipped.contains { $0.contains("1024-bit modulus is below 2048 bits") })
        #expect(throws: KeySetError.self) { try KeySet(document: TestKeys.weak.keySetDocument()) }
    }

    @Test func wrongHostedDomainIsRefused() async {
        let verifier = Fixture.verifier(
            configuration: .google(clientIDs: [Fixture.clientID], hostedDomains: ["corp.example"]))
        #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "wrong_hosted_domain")
        #expect(await Fixture.outcome(Fixture.token(["hd": nil]), verifier: verifier) == "wrong_hosted_domain")
        #expect(await Fixture.outcome(Fixture.token(["hd": "corp.example"]), verifier: verifier) == "accepted")
    }

    @Test func unverifiedEmailIsRefusedWhenRequired() async {
        let verifier = Fixture.verifier(
            configuration: .google(clientIDs: [Fixture.clientID], requireVerifiedEmail: true))
        #expect(
            await Fixture.outcome(Fixture.token(["email_verified": false]), verifier: verifier) == "email_not_verified")
        #expect(
            await Fixture.outcome(Fixture.token(["email_verified": nil]), verifier: verifier) == "email_not_verified")
        #expect(await Fixture.outcome(Fixture.token(["email": nil]), verifier: verifier) == "email_not_verified")
        #expect(await Fixture.outcome(Fixture.token(["email_verified": "true"]), verifier: verifier) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "accepted")
        #expect(await Fixture.outcome(Fixture.token(["email_verified": false])) == "accepted")
    }

    @Test func subjectMustBeANonEmptyBoundedString() async {
        #expect(await Fixture.outcome(Fixture.token(["sub": ""])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["sub": nil])) == "invalid_claim")
        #expect(await Fixture.outcome(Fixture.token(["sub": 42])) == "invalid_claim")
        #expect(
            await Fixture.outcome(Fixture.token(["sub": .string(String(repeating: "1", count: 256))]))
                == "invalid_claim")
    }

    @Test func secondIssuerWithItsOwnKeySetIsChosenByIss() async throws {
        let clock = ManualClock(Fixture.now)
        let dev = IssuerConfiguration(
            issuers: ["http://127.0.0.1:8080/dev"], keySetURL: "http://127.0.0.1:8080/dev/jwks",
            audiences: ["gateway-dev"])
        let verifier = IDTokenVerifier(
            issuers: [
                TrustedIssuer(
                    configuration: .google(clientIDs: [Fixture.clientID]),
                    keySet: KeySetCache(source: CountingKeySetSource(keys: [TestKeys.primary]), clock: clock)),
                TrustedIssuer(
                    configuration: dev,
                    keySet: KeySetCache(source: CountingKeySetSource(keys: [TestKeys.other]), clock: clock)),
            ], clock: clock, tokenCache: nil)
        let devToken = Fixture.token(["iss": "http://127.0.0.1:8080/dev", "aud": "gateway-dev"], key: TestKeys.other)
        #expect(try await verifier.verify(devToken).issuer == "http://127.0.0.1:8080/dev")
        #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "accepted")
        let crossSigned = Fixture.token(
            ["iss": "http://127.0.0.1:8080/dev", "aud": "gateway-dev"], key: TestKeys.primary)
        #expect(await Fixture.outcome(crossSigned, verifier: verifier) == "unknown_key")
        let wrongAudience = Fixture.token(["iss": "http://127.0.0.1:8080/dev"], key: TestKeys.other)
        #expect(await Fixture.outcome(wrongAudience, verifier: verifier) == "wrong_audience")
    }

    @Test func garbageInputNeverEscapesAsAnotherError() async {
        let samples = [
            ".", "..", "...", "a.b.c", "e30.e30.e30", "eyJhbGciOiJSUzI1NiJ9..", String(repeating: ".", count: 5000),
            "\u{0}\u{1}.\u{2}.\u{3}", "é.é.é", "eyJ9.eyJ9.eyJ9",
        ]
        for sample in samples {
            #expect(await Fixture.outcome(sample) != "accepted")
        }
    }
}
