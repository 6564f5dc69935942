import AuthKit
import Testing

@Suite struct VerifiedTokenCacheTests {
    @Test func hitSkipsSignatureWork() async throws {
        let cache = VerifiedTokenCache(capacity: 16)
        let verifier = Fixture.verifier(tokenCache: cache)
        let token = Fixture.token()
        let first = try await verifier.verify(token)
        #expect(verifier.signatureVerifications == 1)
        for _ in 0..<10 {
            #expect(try await verifier.verify(token) == first)
        }
        #expect(verifier.signatureVerifications == 1)
        #expect(cache.hits == 10)
        #expect(cache.misses == 1)
    }

    @Test func refusedTokensAreNotCached() async {
        let cache = VerifiedTokenCache(capacity: 16)
        let verifier = Fixture.verifier(tokenCache: cache)
        let token = Fixture.token(["aud": "someone-else"])
        #expect(await Fixture.outcome(token, verifier: verifier) == "wrong_audience")
        #expect(await Fixture.outcome(token, verifier: verifier) == "wrong_audience")
        #expect(cache.count == 0)
        #expect(verifier.signatureVerifications == 2)
    }

    @Test func entriesExpireWithExp() async throws {
        let clock = ManualClock(Fixture.now)
        let cache = VerifiedTokenCache(capacity: 16)
        let verifier = Fixture.verifier(clock: clock, tokenCache: cache)
        let token = Fixture.token(["exp": .integer(Fixture.now + 100)])
        _ = try await verifier.verify(token)
        clock.advance(by: 99)
        _ = try await verifier.verify(token)
        #expect(cache.hits == 1)
        clock.advance(by: 1)
        #expect(cache.identity(for: token, now: clock.now()) == nil)
        #expect(cache.count == 0)
        clock.advance(by: 60)
        #expect(await Fixture.outcome(token, verifier: verifier) == "expired")
        #expect(verifier.signatureVerifications == 2)
    }

    @Test func boundIsRespected() {
        let cache = VerifiedTokenCache(capacity: 8)
        let identity = Identity(subject: "s", issuer: "i")
        for index in 0..<100 {
            cache.insert(identity, for: "token-\(index)", expiresAt: 2000, now: 1000)
            #expect(cache.count <= 8)
        }
        #expect(cache.count == 8)
        #expect(cache.identity(for: "token-99", now: 1000) != nil)
        #expect(cache.identity(for: "token-92", now: 1000) != nil)
        #expect(cache.identity(for: "token-91", now: 1000) == nil)
        cache.insert(identity, for: "token-99", expiresAt: 3000, now: 1000)
        #expect(cache.count == 8)
    }

    @Test func alreadyExpiredEntriesAreNotStored() {
        let cache = VerifiedTokenCache(capacity: 8)
        cache.insert(Identity(subject: "s", issuer: "i"), for: "t", expiresAt: 1000, now: 1000)
        #expect(cache.count == 0)
    }
}
