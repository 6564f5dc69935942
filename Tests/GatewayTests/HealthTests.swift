import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HealthTests {
    @Test func healthzAnswers() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let response = try await client.call(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("\"status\":\"ok\""))
        }
    }

    @Test func readyzIsReadyWithAUsableProvider() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let response = try await client.call(.get, "/readyz")
            #expect(response.status == .ok)
            #expect(try response.jsonObject()["status"] as? String == "ready")
        }
    }

    @Test func readyzNamesUnusableProvidersAndAnswers503() async throws {
        let gateway = try TestGateway(
            policy: TestGateway.policy(
                provider:
                    "{name: fast, kind: banana, endpoint: \"https://api.banana.dev\", price_per_second_usd: 0.00026}"))
        try await gateway.live { client in
            let response = try await client.call(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            let body = try response.jsonObject()
            #expect(body["status"] as? String == "not_ready")
            let unusable = try #require(body["unusable_providers"] as? [String: String])
            #expect(unusable["fast"]?.contains("set `api_key_env: VARIABLE`") == true)
        }
    }

    @Test func metricsExposeRequestsAuthFailuresAndJobs() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try await client.waitFinished(try await client.submit(token: token), token: token)
            _ = try await client.call(.get, "/v1/me", token: token + "A")
            let metrics = String(buffer: try await client.call(.get, "/metrics").body)
            #expect(
                metrics.contains(#"gateway_http_requests_total{route="/v1/generations",method="POST",status="202"} 1"#))
            #expect(metrics.contains(#"gateway_auth_failures_total{reason="bad_signature"} 1"#))
            #expect(metrics.contains(#"gateway_jobs_total{provider="fast",outcome="succeeded"} 1"#))
            #expect(metrics.contains("gateway_generation_seconds_count 1"))
            #expect(metrics.contains(#"gateway_spend_micro_usd_total{provider="fast"} 2000"#))
            #expect(metrics.contains("policy_reload_success 1"))
            #expect(metrics.contains("policy_version 1"))
            #expect(metrics.contains(#"gateway_provider_attempts_total{provider="fast",outcome="succeeded"} 1"#))
            #expect(metrics.contains(#"gateway_provider_attempt_duration_seconds_count{provider="fast"} 1"#))
            #expect(metrics.contains(#"gateway_provider_circuit_state{provider="fast"} 0"#))
        }
    }

    @Test func metricsCountFailoversAndOpenCircuits() async throws {
        let providers = """
            {name: down, kind: local, price_per_second_usd: 0.5, total_deadline_seconds: 30}
              - {name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(limits: "images_per_day: 10", provider: providers, chain: "[down, fast]"),
            behaviours: ["down": .fail])
        try await gateway.live { client in
            let token = try gateway.token()
            for _ in 0..<3 {
                _ = try await client.waitFinished(try await client.submit(token: token), token: token)
            }
            let metrics = String(buffer: try await client.call(.get, "/metrics").body)
            #expect(metrics.contains(#"gateway_provider_attempts_total{provider="down",outcome="failed"} 3"#))
            #expect(metrics.contains(#"gateway_provider_failovers_total{provider="down"} 3"#))
            #expect(metrics.contains(#"gateway_provider_circuit_state{provider="down"} 2"#))
            #expect(metrics.contains(#"gateway_provider_attempts_total{provider="fast",outcome="succeeded"} 3"#))
        }
    }
}

@Suite struct ShippedPolicyTests {
    /// The repository's own `policies/` folder starts the gateway (with the test double for `kind: local`).
    @Test func shippedPolicyFolderStartsTheGateway() async throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("policies").path
        let gateway = try TestGateway { $0.policyDirectory = shipped }
        try await gateway.live { client in
            #expect(try await client.call(.get, "/readyz").status == .ok)
            let me = try await client.call(.get, "/v1/me", token: try gateway.token())
            #expect(try me.jsonObject()["tier"].flatMap { $0 as? [String: Any] }?["name"] as? String == "free")
        }
    }
}
