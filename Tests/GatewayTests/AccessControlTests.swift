import AuthKit
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

/// The gates over real sockets: tokens, blocks, network rules, quotas, ownership and idempotency.
@Suite struct AccessControlTests {
    @Test func quotaExhaustionAnswers429WithTheWindowAndRetryAfter() async throws {
        let gateway = try TestGateway(policy: TestGateway.policy(limits: "images_per_day: 2"))
        try await gateway.live { client in
            let token = try gateway.token()
            for _ in 0..<2 { _ = try await client.waitFinished(try await client.submit(token: token), token: token) }
            let refused = try await client.call(
                .post, "/v1/generations", token: token, json: #"{"prompt": "one more", "steps": 2}"#)
            #expect(refused.status == .tooManyRequests)
            let error = try refused.errorObject()
            #expect(error["code"] == "quota_exceeded")
            #expect(error["window"] == "images_per_day")
            #expect(error["request_id"] == refused.headers[.init("X-Request-Id")!])
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...86_400).contains(retryAfter))
        }
    }

    @Test func concurrencyQuotaNamesItsWindowWithoutRetryAfter() async throws {
        let gateway = try TestGateway(policy: TestGateway.policy(limits: "concurrent_jobs: 1"), behaviour: .hang)
        try await gateway.live { client in
            let token = try gateway.token()
            let first = try await client.submit(token: token)
            let refused = try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "two"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(try refused.errorObject()["window"] == "concurrent_jobs")
            #expect(refused.headers[.retryAfter] == nil)
            _ = try await client.call(.delete, "/v1/generations/\(first)", token: token)
        }
    }

    @Test func blockedEmailGets403() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let response = try await client.call(.get, "/v1/me", token: try gateway.token("Blocked@Example.com"))
            #expect(response.status == .forbidden)
            #expect(try response.errorObject()["code"] == "blocked")
        }
    }

    @Test func deniedAddressGets403EvenWithAValidToken() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let response = try await client.call(
                .get, "/v1/me", token: try gateway.token(), headers: [.init("X-Forwarded-For")!: "10.1.2.3"])
            #expect(response.status == .forbidden)
            #expect(try response.errorObject()["code"] == "address_blocked")
            let allowed = try await client.call(
                .get, "/v1/me", token: try gateway.token(), headers: [.init("X-Forwarded-For")!: "192.0.2.7"])
            #expect(allowed.status == .ok)
        }
    }

    @Test func badTokensGet401WithTheReason() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let tampered = try await client.call(.get, "/v1/me", token: try gateway.token() + "A")
            #expect(tampered.status == .unauthorized)
            #expect(try tampered.errorObject()["code"] == "invalid_token")
            #expect(try tampered.errorObject()["reason"] == "bad_signature")
            #expect(
                tampered.headers[.wwwAuthenticate]
                    == #"Bearer error="invalid_token", error_description="bad_signature""#)

            let expired = try await client.call(
                .get, "/v1/me", token: try gateway.token(now: Date().addingTimeInterval(-7200)))
            #expect(expired.status == .unauthorized)
            #expect(try expired.errorObject()["reason"] == "expired")

            let wrongAudience = try await client.call(
                .get, "/v1/me", token: try gateway.token(claims: ["aud": "someone-else"]))
            #expect(try wrongAudience.errorObject()["reason"] == "wrong_audience")

            let missing = try await client.call(.get, "/v1/me")
            #expect(missing.status == .unauthorized)
            #expect(try missing.errorObject()["code"] == "missing_token")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test func repeatedFailedSignInsFromOneAddressAreLimited() async throws {
        let gateway = try TestGateway(
            policy: TestGateway.policy(network: "{rate_limits: {failed_auth_per_minute: 2}}"),
            now: TestGateway.midMinute())
        try await gateway.live { client in
            for _ in 0..<2 {
                #expect(try await client.call(.get, "/v1/me", token: "not-a-token").status == .unauthorized)
            }
            let limited = try await client.call(.get, "/v1/me", token: "not-a-token")
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.errorObject()["window"] == "ip_failed_auth_per_minute")
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func anotherUsersJobIsNotFound() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let alice = try gateway.token("alice@example.com")
            let bob = try gateway.token("bob@example.com")
            let id = try await client.submit(token: alice)
            for path in ["/v1/generations/\(id)", "/v1/generations/\(id)/image", "/v1/generations/\(id)/events"] {
                let response = try await client.call(.get, path, token: bob)
                #expect(response.status == .notFound)
                #expect(try response.errorObject()["code"] == "not_found")
            }
            #expect(try await client.call(.delete, "/v1/generations/\(id)", token: bob).status == .notFound)
            #expect(try await client.waitFinished(id, token: alice)["status"] as? String == "succeeded")
        }
    }

    @Test func idempotentRetryReturnsTheSameJobAndChargesOnce() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            let body = #"{"prompt": "same request", "steps": 3}"#
            let key: HTTPFields = [.init("Idempotency-Key")!: "retry-123"]
            let first = try await client.call(.post, "/v1/generations", token: token, json: body, headers: key)
            #expect(first.status == .accepted)
            let id = try #require(try first.jsonObject()["id"] as? String)
            _ = try await client.waitFinished(id, token: token)
            let again = try await client.call(.post, "/v1/generations", token: token, json: body, headers: key)
            #expect(again.status == .accepted)
            #expect(try again.jsonObject()["id"] as? String == id)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")

            let changed = try await client.call(
                .post, "/v1/generations", token: token, json: #"{"prompt": "another request"}"#, headers: key)
            #expect(changed.status == .conflict)
            #expect(try changed.errorObject()["code"] == "idempotency_conflict")

            let ledger = try await SQLiteQuotaLedger.open(
                path: gateway.databasePath, owner: LedgerOwner(instanceID: "test-reader", processStartedAt: Date()),
                options: .init(readOnly: true))
            let usage = try await ledger.usage(UsageQuery(month: UTCMonth(containing: Date())))
            #expect(usage.users.count == 1)
            #expect(usage.users.first?.jobs == 1)
            #expect(usage.users.first?.images == 1)
            #expect(usage.users.first?.spendMicros == 2000)
            await ledger.close()
        }
    }

    @Test func cancellingARunningJobRefundsIt() async throws {
        let gateway = try TestGateway(behaviour: .hang)
        try await gateway.live { client in
            let token = try gateway.token()
            let id = try await client.submit(token: token)
            for _ in 0..<200 {
                let status = try await client.call(.get, "/v1/generations/\(id)", token: token).jsonObject()["status"]
                if status as? String == "running" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let cancelled = try await client.call(.delete, "/v1/generations/\(id)", token: token)
            #expect(cancelled.status == .ok)
            let job = try cancelled.jsonObject()
            #expect(job["status"] as? String == "cancelled")
            #expect(job["cost_micros"] as? Int == 0)
            let image = try await client.call(.get, "/v1/generations/\(id)/image", token: token)
            #expect(image.status == .conflict)
            let me = try await client.call(.get, "/v1/me", token: token).jsonObject()
            let quota = try #require(me["quota"] as? [[String: Any]])
            #expect(quota.first { $0["window"] as? String == "images_per_day" }?["used"] as? Int == 0)
        }
    }
}
