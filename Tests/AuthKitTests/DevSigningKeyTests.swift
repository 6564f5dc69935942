import AuthKit
import Testing

@Suite struct DevSigningKeyTests {
    @Test func publishesAnRS256SigningJWK() throws {
        let jwk = TestKeys.primary.publicJWK
        #expect(jwk["kty"] == "RSA")
        #expect(jwk["alg"] == "RS256")
        #expect(jwk["use"] == "sig")
        #expect(jwk["kid"] == "primary-key")
        #expect(jwk["e"] == "AQAB")
        #expect(Base64URL.decode(jwk["n"]?.stringValue ?? "")?.count == 256)
        let keySet = try KeySet(document: TestKeys.primary.keySetDocument())
        #expect(keySet.keys["primary-key"]?.bits == 2048)
    }

    @Test func defaultKeyIDIsTheThumbprint() throws {
        let key = try DevSigningKey(privateKeyPEM: TestKeys.primary.privateKeyPEM())
        #expect(key.keyID.count == 43)
        #expect(key.keyID != "primary-key")
    }

    @Test func privateKeyPEMRoundTrips() async throws {
        let pem = try TestKeys.primary.privateKeyPEM()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try DevSigningKey(privateKeyPEM: pem, keyID: "primary-key")
        let token = try reloaded.sign(claims: Fixture.claims())
        #expect(await Fixture.outcome(token) == "accepted")
        #expect(throws: SigningError.self) { try DevSigningKey(privateKeyPEM: "not a key") }
    }

    @Test func googleStyleCertificateMapIsAKeySet() throws {
        let pem = try TestKeys.primary.certificatePEM(notBefore: Fixture.now - 60, notAfter: Fixture.now + 86400)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let document = JSONValue.object(["primary-key": .string(pem), "broken": "-----BEGIN CERTIFICATE-----\nAAAA"])
        let keySet = try KeySet(document: document.serialized())
        #expect(keySet.keys.keys.sorted() == ["primary-key"])
        #expect(keySet.skipped.count == 1)
        let jws = try CompactJWS(parsing: Fixture.token())
        try jws.verifySignature(with: keySet)
    }

    @Test func keySetRulesSkipUnusableKeys() throws {
        var encryption = TestKeys.other.publicJWK
        encryption["use"] = "enc"
        encryption["kid"] = "enc"
        var wrongAlg = TestKeys.other.publicJWK
        wrongAlg["alg"] = "RS512"
        wrongAlg["kid"] = "rs512"
        var ec = TestKeys.other.publicJWK
        ec["kty"] = "EC"
        ec["kid"] = "ec"
        var noKid = TestKeys.other.publicJWK
        noKid["kid"] = nil
        var padded = TestKeys.other.publicJWK
        padded["e"] = "AQAB="
        padded["kid"] = "padded"
        let document = TestKeys.primary.keySetDocument(additional: [encryption, wrongAlg, ec, noKid, padded])
        let keySet = try KeySet(document: document)
        #expect(keySet.keys.keys.sorted() == ["primary-key"])
        #expect(keySet.skipped.count == 5)
    }

    @Test func invalidKeySetDocumentsAreRejected() {
        for text in ["", "[]", "{\"keys\":{}}", "{\"keys\":[]}", "<html>", "{\"keys\":[1,2]}"] {
            #expect(throws: KeySetError.self) { try KeySet(document: Array(text.utf8)) }
        }
    }

    @Test func freshnessFollowsCacheControlMinusAge() {
        #expect(KeySetDocument.freshness(cacheControl: "public, max-age=19204, must-revalidate", age: nil) == 19204)
        #expect(KeySetDocument.freshness(cacheControl: "max-age=300", age: "100") == 200)
        #expect(KeySetDocument.freshness(cacheControl: "max-age=300", age: "500") == 0)
        #expect(KeySetDocument.freshness(cacheControl: "no-cache", age: nil) == 0)
        #expect(KeySetDocument.freshness(cacheControl: "public", age: nil) == nil)
        #expect(KeySetDocument.freshness(cacheControl: nil, age: "3") == nil)
        #expect(KeySetDocument.freshness(cacheControl: "max-age=abc", age: nil) == nil)
        #expect(KeySetDocument.freshness(cacheControl: "=, ,max-age=60,=x", age: "junk") == 60)
        #expect(KeySetDocument.freshness(cacheControl: "", age: nil) == nil)
    }
}
