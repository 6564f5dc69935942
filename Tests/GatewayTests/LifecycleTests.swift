import AuthKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Testing

@testable import Gateway

/// Starting and stopping: refusals at start, recovery of what a dead process left, graceful shutdown, cleanup.
@Suite struct LifecycleTests {
    @Test func devSignInIsRefusedOnANonLoopbackAddress() async throws {
        let gateway = try TestGateway { $0.host = "0.0.0.0" }
        defer { gateway.remove() }
        let error = await #expect(throws: GatewaySetupError.self) {
            _ = try await buildApplication(gateway.configuration, dependencies: gateway.dependencies)
        }
        #expect(error?.reason == "dev_sign_in_not_loopback")
        #expect(error?.message.contains("loopback") == true)
    }

    @Test func anInvalidPolicyIsRefusedWithItsPosition() async throws {
        let gateway = try TestGateway(policy: "tiers:\n  - name: free\n    providers: [nowhere]\n    limits: {}\n")
        defer { gateway.remove() }
        let error = await #expect(throws: PolicyLoadError.self) {
            _ = try await buildApplication(gateway.configuration, dependencies: gateway.dependencies)
        }
        #expect(error?.description.contains("policy.yaml:") == true)
    }

    @Test func jobsOfADeadProcessAreInterruptedAndTheirReservationsReleased() async throws {
        let gateway = try TestGateway()
        try FileManager.default.createDirectory(
            atPath: gateway.configuration.dataDirectory, withIntermediateDirectories: true)
        let user = UserKey(issuer: gateway.issuer.issuer, subject: DevIssuer.subject(for: "alice@example.com"))
        let jobID = JobID("gen_orphan")
        do {
            let dead = try await SQLiteQuotaLedger.open(
                path: gateway.databasePath,
                owner: LedgerOwner(instanceID: "gateway", processStartedAt: Date().addingTimeInterval(-600)))
            let outcome = try await dead.reserve(
                ReservationRequest(
                    jobID: jobID, user: user, limits: QuotaLimits(imagesPerDay: 3), estimateMicros: 30_000, now: Date())
            )
            guard case .admitted = outcome else { throw TestFailure("the orphan was not admitted: \(outcome)") }
            let store = SQLiteJobStore(database: dead.database)
            try await store.insert(
                Job(
                    id: jobID, user: user, email: "alice@example.com",
                    request: GenerationRequest(prompt: "left behind", seed: 1),
                    status: .queued, progressStep: 0, progressTotal: 20, createdAt: Date(), costMicros: 0))
            #expect(try await store.markRunning(jobID, at: Date()))
            await dead.close()
        }
        try await gateway.live(keepData: true) { client in
            let job = try await client.call(.get, "/v1/generations/gen_orphan", token: try gateway.token()).jsonObject()
            #expect(job["status"] as? String == "interrupted")
            #expect((job["error"] as? [String: String])?["code"] == "interrupted")
            let me = try await client.call(.get, "/v1/me", token: try gateway.token()).jsonObject()
            let quota = try #require(me["quota"] as? [[String: Any]])
            #expect(quota.first { $0["window"] as? String == "images_per_day" }?["used"] as? Int == 0)
        }
        defer { gateway.remove() }
        let reader = try await SQLiteQuotaLedger.open(
            path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
            options: .init(readOnly: true))
        #expect(try await reader.reservation(jobID: jobID)?.state == .released)
        await reader.close()
    }

    @Test func gracefulShutdownRecordsUnfinishedJobsAsInterruptedAndRefunds() async throws {
        let gateway = try TestGateway(behaviour: .hang) { $0.shutdownGracePeriod = .milliseconds(200) }
        defer { gateway.remove() }
        let id = try await gateway.live(keepData: true) { client in
            let token = try gateway.token()
            let id = try await client.submit(token: token)
            for _ in 0..<200 {
                let status = try await client.call(.get, "/v1/generations/\(id)", token: token).jsonObject()["status"]
                if status as? String == "running" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            return id
        }
        let reader = try await SQLiteQuotaLedger.open(
            path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
            options: .init(readOnly: true))
        let job = try await SQLiteJobStore(database: reader.database).job(JobID(id))
        #expect(job?.status == .interrupted)
        #expect(try await reader.reservation(jobID: JobID(id))?.state == .refunded)
        await reader.close()
    }

    @Test func janitorDeletesJobsPastRetention() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ledger = try await SQLiteQuotaLedger.open(
            path: folder.databasePath, owner: LedgerOwner(instanceID: "gateway", processStartedAt: Date()))
        let store = SQLiteJobStore(database: ledger.database)
        let user = UserKey(issuer: "test", subject: "s")
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        for (index, age) in [Double(10), Double(3 * 86_400)].enumerated() {
            let id = JobID("gen_\(index)")
            try await store.insert(
                Job(
                    id: id, user: user, request: GenerationRequest(prompt: "p", seed: 1), status: .queued,
                    progressStep: 0, progressTotal: 1, createdAt: clock.now.addingTimeInterval(-age), costMicros: 0))
            _ = try await store.finish(
                id, JobOutcome(status: .cancelled, costMicros: 0), at: clock.now.addingTimeInterval(-age))
        }
        let janitor = JobJanitor(
            store: store, retention: .seconds(86_400), interval: .seconds(3600), now: { clock.now },
            logger: .init(label: "test"))
        #expect(await janitor.sweep() == 1)
        #expect(try await store.job(JobID("gen_0")) != nil)
        #expect(try await store.job(JobID("gen_1")) == nil)
        await ledger.close()
    }
}
