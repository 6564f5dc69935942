import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HealthTests {
    @Test func healthzAnswers() async throws {
        let app = try await buildApplication(GatewayConfiguration(port: 0))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"status\":\"ok\""))
            }
        }
    }
}
