import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Gateway

/// The admin endpoints the ops dashboard adds: providers' success rate, latency and failovers, and a user's
/// effective limits by email.
@Suite struct AdminDashboardTests {
    @Test func providerStatisticsCountOutcomesLatencyAndFailovers() async throws {
        let providers = """
            {name: down, kind: local, price_per_second_usd: 0, total_deadline_seconds: 30}
              - {name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(limits: "images_per_day: 10", provider: providers, chain: "[down, fast]"),
            behaviours: ["down": .fail])
        try await gateway.live { client in
            let alice = try gateway.token("alice@example.com")
            let admin = try gateway.token("admin@example.com")
            for _ in 0..<2 {
                _ = try await client.waitFinished(try await client.submit(token: alice), token: alice)
            }
            let answer = try await client.call(.get, "/admin/providers/stats?days=7", token: admin)
            #expect(answer.status == .ok)
            let object = try answer.jsonObject()
            #expect(object["days"] as? Int == 7)
            let rows = try #require(object["providers"] as? [[String: Any]])
            #expect(rows.compactMap { $0["provider"] as? String } == ["down", "fast"])
            let down = rows[0]
            #expect(down["attempts"] as? Int == 2)
            #expect(down["failed"] as? Int == 2)
            #expect(down["success_rate"] as? Double == 0)
            #expect(down["failovers"] as? Int == 2)
            #expect(down["latency_p50_ms"] == nil)
            let fast = rows[1]
            #expect(fast["succeeded"] as? Int == 2)
            #expect(fast["success_rate"] as? Double == 1)
            #expect(fast["failovers"] as? Int == 0)
            #expect((fast["latency_p50_ms"] as? Int).map { $0 >= 0 } == true)
            #expect((fast["latency_p95_ms"] as? Int).map { $0 >= 0 } == true)

            for bad in ["0", "367", "x"] {
                let refused = try await client.call(.get, "/admin/providers/stats?days=\(bad)", token: admin)
                #expect(refused.status == .unprocessableContent)
                #expect(try refused.errorObject()["param"] == "days")
            }
            let notAdmin = try await client.call(.get, "/admin/providers/stats", token: alice)
            #expect(notAdmin.status == .forbidden)
        }
    }

    @Test func percentileIsNearestRank() {
        #expect(ProviderStatistics.percentile([], 0.5) == nil)
        #expect(ProviderStatistics.percentile([7], 0.95) == 7)
        #expect(ProviderStatistics.percentile([1, 2, 3, 4], 0.5) == 2)
        #expect(ProviderStatistics.percentile(Array(1...100), 0.95) == 95)
    }

    @Test func userLimitsShowTierLimitsAndWhatIsLeft() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let alice = try gateway.token("Alice@Example.com")
            let admin = try gateway.token("admin@example.com")
            _ = try await client.waitFinished(try await client.submit(token: alice), token: alice)

            let known = try await client.call(.get, "/admin/users/alice%40example.com/limits", token: admin)
            #expect(known.status == .ok)
            let view = try known.jsonObject()
            #expect(view["email"] as? String == "alice@example.com")
            #expect(view["tier"] as? String == "free")
            #expect(view["blocked"] as? Bool == false)
            #expect((view["user"] as? String)?.hasSuffix(DevIssuer.subject(for: "alice@example.com")) == true)
            #expect((view["limits"] as? [String: Any])?["images_per_day"] as? Int == 3)
            let quota = try #require(view["quota"] as? [[String: Any]])
            let day = try #require(quota.first { $0["window"] as? String == "images_per_day" })
            #expect(day["used"] as? Int == 1)
            #expect(day["remaining"] as? Int == 2)

            let stranger = try await client.call(.get, "/admin/users/nobody@example.com/limits", token: admin)
                .jsonObject()
            #expect(stranger["tier"] as? String == "free")
            #expect(stranger["user"] == nil)
            #expect(stranger["quota"] == nil)

            let blocked = try await client.call(.get, "/admin/users/blocked@example.com/limits", token: admin)
                .jsonObject()
            #expect(blocked["blocked"] as? Bool == true)
            #expect(blocked["tier"] == nil)

            let admins = try await client.call(.get, "/admin/users/admin@example.com/limits", token: admin)
                .jsonObject()
            #expect(admins["admin"] as? Bool == true)

            let malformed = try await client.call(.get, "/admin/users/not-an-email/limits", token: admin)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.errorObject()["param"] == "email")
        }
    }
}
