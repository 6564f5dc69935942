import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Testing

@testable import Gateway

/// Remote kinds through the whole gateway: a fake banana, RunPod or Replicate API on loopback fails the job after
/// billing some seconds; the gateway fails over to the next provider, records the billed attempt at the
/// provider's price, and charges the user once, for the image.
@Suite struct RemoteProviderFailoverTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: String
        let secret: String
        let options: String
        let path: String
        let reply: String
        /// What the failed attempt costs: the provider's billed seconds at its price, or nil when the provider
        /// reports none (then the attempt's wall time is charged at the price).
        let paidMicros: Int64?
        var testDescription: String { kind }
    }

    static let cases = [
        Case(
            kind: "banana", secret: "api_key_env", options: "{style: v4}", path: "/start/v4",
            reply: #"{"id": "b1", "message": "error: CUDA out of memory", "finished": false}"#, paidMicros: nil),
        Case(
            kind: "runpod", secret: "api_key_env", options: "{endpoint_id: ep1, runsync: true}", path: "/v2/ep1/runsync",
            reply: #"{"id": "j1", "status": "FAILED", "executionTime": 2500, "error": "out of memory"}"#,
            paidMicros: 2500),
        Case(
            kind: "replicate", secret: "api_token_env", options: "{version: v1}", path: "/v1/predictions",
            reply: #"{"id": "p1", "status": "failed", "error": "boom", "metrics": {"predict_time": 4.0}}"#,
            paidMicros: 4000),
    ]

    @Test(arguments: cases) func billedFailureFailsOverAndIsChargedOnce(_ testCase: Case) async throws {
        setenv("GATEWAY_TEST_REMOTE_KEY", "remote-key", 1)
        let fake = Router()
        fake.post(RouterPath(testCase.path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: testCase.reply)))
        }
        try await Application(router: fake, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { remote in
                let port = try #require(remote.port)
                let providers = """
                    {name: cloud, kind: \(testCase.kind), endpoint: "http://127.0.0.1:\(port)", \
                    price_per_second_usd: 0.001, total_deadline_seconds: 30, \
                    \(testCase.secret): GATEWAY_TEST_REMOTE_KEY, options: \(testCase.options)}
                      - {name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}
                    """
                let gateway = try TestGateway(policy: TestGateway.policy(provider: providers, chain: "[cloud, fast]"))
                defer { gateway.remove() }
                let id = try await gateway.live(keepData: true) { client in
                    let token = try gateway.token()
                    let id = try await client.submit(token: token)
                    let job = try await client.waitFinished(id, token: token)
                    #expect(job["status"] as? String == "succeeded", "\(job)")
                    #expect(job["provider"] as? String == "fast")
                    return id
                }
                let reader = try await SQLiteQuotaLedger.open(
                    path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
                    options: .init(readOnly: true))
                let attempts = try await reader.attempts(jobID: JobID(id))
                #expect(attempts.map(\.provider) == ["cloud", "fast"])
                #expect(attempts.map(\.outcome) == [.failed, .succeeded])
                if let paid = testCase.paidMicros {
                    #expect(attempts.first?.costMicros == paid)
                } else {
                    #expect((attempts.first?.costMicros ?? -1) >= 0)
                }
                let reservation = try await reader.reservation(jobID: JobID(id))
                #expect(reservation?.state == .settled)
                #expect(reservation?.chargedMicros == 2000)
                await reader.close()
            }
    }
}
