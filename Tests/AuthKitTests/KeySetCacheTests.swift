import AuthKit
import HTTPClient
import Testing

/// The key-set cache against a real JWKS endpoint on 127.0.0.1, fetched with the production `HTTPKeySetSource`.
@Suite struct KeySetCacheTests {
    private static func jwks(_ keys: [DevSigningKey], maxAge: Int = 3600, age: Int? = nil) -> JWKSServer.Behaviour {
        var headers = [("Cache-Control", "public, max-age=\(maxAge), must-revalidate")]
        if let age { headers.append(("Age", "\(age)")) }
        return .serve(
            body: JSONValue.object(["keys": .array(keys.map { .object($0.publicJWK) })]).serialized(), headers: headers)
    }

    private static func verifier(url: String, clock: ManualClock, client: HTTPClient) -> (IDTokenVerifier, KeySetCache)
    {
        // The fixture server answers at once; 30 s leaves room for a ThreadSanitizer run beside the whole suite.
        let cache = KeySetCache(source: HTTPKeySetSource(url: url, client: client, timeout: .seconds(30)), clock: clock)
        let verifier = IDTokenVerifier(
            issuers: [TrustedIssuer(configuration: .google(clientIDs: [Fixture.clientID]), keySet: cache)],
            clock: clock,
            tokenCache: nil)
        return (verifier, cache)
    }

    @Test func rotationPicksUpNewKeysAndDropsRemovedOnes() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        try await JWKSServer.run(Self.jwks([TestKeys.primary])) { server in
            let (verifier, _) = Self.verifier(url: server.url, clock: clock, client: client)
            let oldToken = Fixture.token(key: TestKeys.primary)
            let newToken = try TestKeys.other.sign(claims: Fixture.claims())
            #expect(await Fixture.outcome(oldToken, verifier: verifier) == "accepted")
            #expect(server.requests == 1)

            server.setBehaviour(Self.jwks([TestKeys.other]))
            #expect(await Fixture.outcome(newToken, verifier: verifier) == "unknown_key")
            #expect(server.requests == 1, "an unknown kid right after a fetch waits for the minimum interval")

            clock.advance(by: 30)
            #expect(await Fixture.outcome(newToken, verifier: verifier) == "accepted")
            #expect(server.requests == 2)
            #expect(await Fixture.outcome(oldToken, verifier: verifier) == "unknown_key")
            clock.advance(by: 30)
            #expect(await Fixture.outcome(oldToken, verifier: verifier) == "unknown_key")
            #expect(server.requests == 3)
        }
        await client.shutdown()
    }

    @Test func maxAgeMinusAgeSetsExpiryAndRefreshStartsEarly() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        try await JWKSServer.run(Self.jwks([TestKeys.primary], maxAge: 300, age: 100)) { server in
            let (verifier, cache) = Self.verifier(url: server.url, clock: clock, client: client)
            let token = Fixture.token()
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            #expect(await cache.status.expiresAt == Fixture.now + 200)

            clock.advance(by: 179)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            #expect(server.requests == 1, "no refresh before 90% of the lifetime")

            clock.advance(by: 1)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            var polls = 0
            while await cache.status.expiresAt != Fixture.now + 180 + 200, polls < 500 {
                try await Task.sleep(for: .milliseconds(10))
                polls += 1
            }
            #expect(server.requests == 2, "refreshed in the background at 90% of the lifetime")
            #expect(await cache.status.expiresAt == Fixture.now + 180 + 200)

            await cache.refresh()
            #expect(server.requests == 3, "refresh() fetches even within the minimum interval")
            clock.advance(by: 201)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            #expect(server.requests == 4, "an expired set is refetched before use")
        }
        await client.shutdown()
    }

    @Test func failedRefreshKeepsTheLastGoodSetAndReportsIt() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        let token = Fixture.token(["exp": .integer(Fixture.now + 20000)])
        let (verifier, cache) = try await JWKSServer.run(Self.jwks([TestKeys.primary])) { server in
            let (verifier, cache) = Self.verifier(url: server.url, clock: clock, client: client)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")

            server.setBehaviour(.garbage)
            clock.advance(by: 3601)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            var status = await cache.status
            #expect(status.failures == 1)
            #expect(status.lastError?.contains("key set document") == true)

            server.setBehaviour(.status(503))
            clock.advance(by: 30)
            #expect(await Fixture.outcome(token, verifier: verifier) == "accepted")
            status = await cache.status
            #expect(status.failures == 2)
            #expect(status.lastError?.contains("503") == true)
            #expect(server.requests == 3)
            return (verifier, cache)
        }
        clock.advance(by: 30)
        #expect(await Fixture.outcome(token, verifier: verifier) == "accepted", "the server is down now")
        let status = await cache.status
        #expect(status.failures == 3)
        #expect(status.keyIDs == ["primary-key"])
        await client.shutdown()
    }

    @Test func noSetAtAllIsKeySetUnavailable() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        let deadURL = try await JWKSServer.run(.garbage) { $0.url }
        let (downVerifier, _) = Self.verifier(url: deadURL, clock: clock, client: client)
        #expect(await Fixture.outcome(Fixture.token(), verifier: downVerifier) == "key_set_unavailable")
        #expect(await Fixture.outcome(Fixture.token(), verifier: downVerifier) == "key_set_unavailable")

        try await JWKSServer.run(.garbage) { server in
            let (verifier, _) = Self.verifier(url: server.url, clock: clock, client: client)
            #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "key_set_unavailable")
            server.setBehaviour(.serve(body: TestKeys.weak.keySetDocument(), headers: []))
            clock.advance(by: 30)
            #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "key_set_unavailable")
            server.setBehaviour(Self.jwks([TestKeys.primary]))
            #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "key_set_unavailable")
            #expect(server.requests == 2, "failed fetches are rate-limited too")
            clock.advance(by: 30)
            #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "accepted")
        }
        await client.shutdown()
    }

    @Test func concurrentUnknownKidsCauseOneFetch() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        try await JWKSServer.run(Self.jwks([TestKeys.primary])) { server in
            server.setDelay(.milliseconds(200))
            let (verifier, _) = Self.verifier(url: server.url, clock: clock, client: client)
            let unknown = try TestKeys.other.sign(claims: Fixture.claims())
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { await Fixture.outcome(unknown, verifier: verifier) } }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes == Array(repeating: "unknown_key", count: 100))
            #expect(server.requests == 1, "the first fetch is shared by every caller")

            clock.advance(by: 31)
            let again = await withTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { await Fixture.outcome(unknown, verifier: verifier) } }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(again == Array(repeating: "unknown_key", count: 100))
            #expect(server.requests == 2, "one refetch for 100 concurrent misses")
        }
        await client.shutdown()
    }

    @Test func twoIssuersEachFetchTheirOwnURLCertificateMapOrJWKS() async throws {
        let client = HTTPClient()
        let clock = ManualClock(Fixture.now)
        let certificate = try TestKeys.primary.certificatePEM(
            notBefore: Fixture.now - 60, notAfter: Fixture.now + 86400)
        let certificateMap = JSONValue.object(["primary-key": .string(certificate)]).serialized()
        try await JWKSServer.run(.serve(body: certificateMap, headers: [("Cache-Control", "max-age=600")])) { google in
            try await JWKSServer.run(Self.jwks([TestKeys.other])) { devServer in
                var googleConfiguration = IssuerConfiguration.google(clientIDs: [Fixture.clientID])
                googleConfiguration.keySetURL = google.url
                let devConfiguration = IssuerConfiguration(
                    issuers: ["http://127.0.0.1/dev"], keySetURL: devServer.url, audiences: ["gateway-dev"])
                let googleIssuer = TrustedIssuer(configuration: googleConfiguration, client: client, clock: clock)
                let devIssuer = TrustedIssuer(configuration: devConfiguration, client: client, clock: clock)
                let verifier = IDTokenVerifier(issuers: [googleIssuer, devIssuer], clock: clock, tokenCache: nil)

                #expect(await Fixture.outcome(Fixture.token(), verifier: verifier) == "accepted")
                let devToken = Fixture.token(
                    ["iss": "http://127.0.0.1/dev", "aud": "gateway-dev"], key: TestKeys.other)
                let devIdentity = try await verifier.verify(devToken)
                #expect(devIdentity.issuer == "http://127.0.0.1/dev")
                #expect(google.requests == 1)
                #expect(devServer.requests == 1)
                #expect(await googleIssuer.keySet.status.expiresAt == Fixture.now + 600)
            }
        }
        await client.shutdown()
    }
}
