import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Testing

@testable import Gateway

/// Jobs through the router: every attempt lands in the ledger, the user is charged once, and attempt costs come
/// from paid seconds (or wall time when the provider reports none).
@Suite struct FailoverTests {
    @Test func failedOverJobRecordsEveryAttemptAndChargesOnce() async throws {
        let providers = """
            {name: down, kind: local, price_per_second_usd: 0.5, total_deadline_seconds: 30}
              - {name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(provider: providers, chain: "[down, fast]"), behaviours: ["down": .fail])
        defer { gateway.remove() }
        let id = try await gateway.live(keepData: true) { client in
            let token = try gateway.token()
            let id = try await client.submit(token: token)
            let job = try await client.waitFinished(id, token: token)
            #expect(job["status"] as? String == "succeeded")
            #expect(job["provider"] as? String == "fast")
            #expect(job["cost_micros"] as? Int == 2000)
            return id
        }
        let reader = try await SQLiteQuotaLedger.open(
            path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
            options: .init(readOnly: true))
        let attempts = try await reader.attempts(jobID: JobID(id))
        #expect(attempts.map(\.provider) == ["down", "fast"])
        #expect(attempts.map(\.outcome) == [.failed, .succeeded])
        #expect(attempts.first?.costMicros == 0)
        let reservation = try await reader.reservation(jobID: JobID(id))
        #expect(reservation?.state == .settled)
        #expect(reservation?.chargedMicros == 2000)
        #expect(reservation?.estimateMicros == 15_000_000)
        await reader.close()
    }

    @Test func attemptCostUsesPaidSecondsElseWallTime() throws {
        let definition = ProviderDefinition(
            name: "p", kind: .local, pricePerSecondMicros: 260,
            location: PolicyLocation(file: "t.yaml", line: 1, column: 1))
        let catalog = ProviderCatalog(registry: ProviderRegistry())
        let snapshot = catalog.snapshot(for: [definition])
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        let paid = JobExecutor.record(
            AttemptReport(provider: "p", outcome: .succeeded, duration: .seconds(20), paidSeconds: 15),
            snapshot: snapshot, endedAt: end)
        #expect(paid.paidMilliseconds == 15_000)
        #expect(paid.costMicros == 3900)
        #expect(paid.durationMilliseconds == 20_000)
        #expect(paid.startedAt == end.addingTimeInterval(-20))
        let unreported = JobExecutor.record(
            AttemptReport(provider: "p", outcome: .succeeded, duration: .milliseconds(12_500)),
            snapshot: snapshot, endedAt: end)
        #expect(unreported.costMicros == 3250)
        let failedUnbilled = JobExecutor.record(
            AttemptReport(provider: "p", outcome: .failed(reason: "timed_out"), duration: .seconds(30)),
            snapshot: snapshot, endedAt: end)
        #expect(failedUnbilled.outcome == .timedOut)
        #expect(failedUnbilled.costMicros == 0)
        let failedBilled = JobExecutor.record(
            AttemptReport(provider: "p", outcome: .failed(reason: "failed"), duration: .seconds(30), paidSeconds: 10),
            snapshot: snapshot, endedAt: end)
        #expect(failedBilled.costMicros == 2600)
        let skipped = JobExecutor.record(
            AttemptReport(provider: "p", outcome: .skipped(reason: "circuit_open"), duration: .zero),
            snapshot: snapshot, endedAt: end)
        #expect(skipped.detail == "skipped: circuit_open")
        #expect(skipped.costMicros == 0)
    }
}

/// A provider's own monthly budget: once its recorded attempts reach it, jobs skip it and fail over.
@Suite struct ProviderBudgetTests {
    @Test func spentProviderIsSkippedAndTheNextOneServes() async throws {
        let providers = """
            {name: cloud, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30, \
            budget_per_month_usd: 0.002}
              - {name: fast, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(limits: "images_per_day: 10", provider: providers, chain: "[cloud, fast]"))
        defer { gateway.remove() }
        let second = try await gateway.live(keepData: true) { client in
            let token = try gateway.token()
            let first = try await client.waitFinished(try await client.submit(token: token), token: token)
            #expect(first["provider"] as? String == "cloud")
            let id = try await client.submit(token: token)
            let second = try await client.waitFinished(id, token: token)
            #expect(second["status"] as? String == "succeeded")
            #expect(second["provider"] as? String == "fast")
            let metrics = String(buffer: try await client.call(.get, "/metrics").body)
            #expect(metrics.contains(#"gateway_provider_attempts_total{provider="cloud",outcome="skipped"} 1"#))
            return id
        }
        let reader = try await SQLiteQuotaLedger.open(
            path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
            options: .init(readOnly: true))
        #expect(try await reader.providerCost(provider: "cloud", since: Date(timeIntervalSince1970: 0)) == 2000)
        #expect(try await reader.attempts(jobID: JobID(second)).map(\.provider).last == "fast")
        await reader.close()
    }
}
