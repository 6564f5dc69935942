import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Gateway

/// The admin API, open only to the policy's admins.
@Suite struct AdminTests {
    @Test func adminSeesUsageProvidersPolicyAndAUsersJobs() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let alice = try gateway.token("alice@example.com")
            let admin = try gateway.token("admin@example.com")
            _ = try await client.waitFinished(try await client.submit(token: alice), token: alice)

            let usage = try await client.call(.get, "/admin/usage", token: admin)
            #expect(usage.status == .ok)
            let report = try #require(try usage.jsonObject()["usage"] as? [String: Any])
            let users = try #require(report["users"] as? [[String: Any]])
            #expect(users.first?["email"] as? String == "alice@example.com")
            #expect(users.first?["images"] as? Int == 1)
            let providerDays = try #require(report["providerDays"] as? [[String: Any]])
            #expect(providerDays.first?["provider"] as? String == "fast")

            let providers = try await client.call(.get, "/admin/providers", token: admin).jsonObject()
            let states = try #require(providers["providers"] as? [[String: Any]])
            #expect(states.first?["name"] as? String == "fast")
            #expect(states.first?["usable"] as? Bool == true)
            #expect((states.first?["circuit"] as? String)?.hasPrefix("closed") == true)

            let policy = try await client.call(.get, "/admin/policy", token: admin).jsonObject()
            let reload = try #require(policy["reload"] as? [String: Any])
            #expect(reload["version"] as? Int == 1)
            #expect(reload["healthy"] as? Bool == true)
            let view = try #require(policy["policy"] as? [String: Any])
            #expect((view["tiers"] as? [[String: Any]])?.first?["name"] as? String == "free")

            let jobs = try await client.call(.get, "/admin/users/alice@example.com/jobs", token: admin).jsonObject()
            #expect((jobs["jobs"] as? [[String: Any]])?.count == 1)

            let badMonth = try await client.call(.get, "/admin/usage?month=2026-13", token: admin)
            #expect(badMonth.status == .badRequest)
            #expect(try badMonth.errorObject()["param"] == "month")
        }
    }

    @Test func reloadSwapsAValidPolicyAndRejectsABrokenOne() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let admin = try gateway.token("admin@example.com")
            let file = URL(fileURLWithPath: gateway.configuration.policyDirectory).appendingPathComponent("policy.yaml")
            try TestGateway.policy(limits: "images_per_day: 9").write(to: file, atomically: true, encoding: .utf8)
            let reloaded = try await client.call(.post, "/admin/policy/reload", token: admin)
            #expect(reloaded.status == .ok)
            #expect((try reloaded.jsonObject()["reload"] as? [String: Any])?["version"] as? Int == 2)

            try "tiers: [".write(to: file, atomically: true, encoding: .utf8)
            let rejected = try await client.call(.post, "/admin/policy/reload", token: admin)
            #expect(rejected.status == .unprocessableContent)
            #expect(try rejected.errorObject()["code"] == "policy_rejected")
            let status = try await client.call(.get, "/admin/policy", token: admin).jsonObject()
            let reload = try #require(status["reload"] as? [String: Any])
            #expect(reload["version"] as? Int == 2)
            #expect(reload["healthy"] as? Bool == false)
            let ready = try await client.call(.get, "/readyz").jsonObject()
            let checks = try #require(ready["checks"] as? [String: [String: Any]])
            #expect((checks["policy"]?["detail"] as? String)?.contains("rejected") == true)
        }
    }

    @Test func nonAdminsAndAnonymousCallersAreRefused() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            #expect(try await client.call(.get, "/admin/usage").status == .unauthorized)
            #expect(try await client.call(.get, "/admin/usage", token: token).status == .forbidden)
            #expect(try await client.call(.post, "/admin/policy/reload", token: token).status == .forbidden)
        }
    }
}
