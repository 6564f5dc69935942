import Foundation
import HummingbirdTesting
import Providers
import Testing
import Worker

@testable import Gateway

/// A gateway reaching a self-hosted worker with its banana adapter, over loopback, in both call styles; the
/// job is made by the worker and charged once.
@Suite struct GatewayWorkerTests {
    static let keyVariable = "GATEWAY_TEST_WORKER_KEY"
    static let key = "worker-e2e-key"

    @Test(arguments: ["v4", "direct"]) func generationRunsOnTheWorker(style: String) async throws {
        setenv(Self.keyVariable, Self.key, 1)
        let engine = TestImageProvider(name: "engine", behaviour: .succeed(stepDelay: .milliseconds(1), paidSeconds: nil))
        let worker = buildWorkerApplication(
            provider: engine, configuration: WorkerConfiguration(port: 0, apiKey: Self.key, longPollWindow: .seconds(2)))
        try await worker.test(.live) { workerClient in
            let port = try #require(workerClient.port)
            let provider = """
                {name: gpu, kind: banana, endpoint: "http://127.0.0.1:\(port)", price_per_second_usd: 0.001, \
                total_deadline_seconds: 30, api_key_env: \(Self.keyVariable), options: {style: \(style)}}
                """
            let gateway = try TestGateway(policy: TestGateway.policy(provider: provider, chain: "[gpu]"))
            defer { gateway.remove() }
            let id = try await gateway.live(keepData: true) { client in
                let token = try gateway.token()
                let id = try await client.submit(token: token)
                let job = try await client.waitFinished(id, token: token)
                #expect(job["status"] as? String == "succeeded", "\(job)")
                #expect(job["provider"] as? String == "gpu")
                let image = try await client.call(.get, "/v1/generations/\(id)/image", token: token)
                #expect(image.status == .ok)
                #expect(ImageCheck.dimensions(of: Array(image.body.readableBytesView))?.size.width == 256)
                return id
            }
            #expect(engine.callCount == 1)
            let reader = try await SQLiteQuotaLedger.open(
                path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
                options: .init(readOnly: true))
            let attempts = try await reader.attempts(jobID: JobID(id))
            #expect(attempts.map(\.provider) == ["gpu"])
            #expect(attempts.map(\.outcome) == [.succeeded])
            let reservation = try await reader.reservation(jobID: JobID(id))
            #expect(reservation?.state == .settled)
            #expect(reservation?.chargedMicros == attempts.first?.costMicros)
            await reader.close()
        }
    }
}
