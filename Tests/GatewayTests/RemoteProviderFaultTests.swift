import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Synchronization
import Testing

@testable import Gateway

/// A banana-style backend on loopback that hangs, resets the connection mid-reply, answers garbage or boots too
/// slowly: through the whole gateway the job fails over to the next provider within the remote's deadlines, and
/// the user is charged once, for the image the next provider made.
@Suite struct RemoteProviderFaultTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        let name: String
        /// How the failed attempt is recorded.
        let outcome: AttemptRecord.Outcome
        /// The remote's start and total deadlines, in seconds. The faults that answer give the backend room to be
        /// seen failing rather than timing out: under ThreadSanitizer, with the whole suite beside it on two cores,
        /// the backend's garbage answer and its reset both once took longer than a 5 s start deadline.
        var deadlines = (start: 20, total: 30)
        /// Answers the adapter's `start` call.
        let start: @Sendable (Hang) async throws -> Response
        /// Answers the adapter's `check` calls.
        let check: @Sendable (Hang) async throws -> Response
        var testDescription: String { name }
    }

    /// Calls of the backend's `start`, counted from its handler.
    final class StartCounter: Sendable {
        let count = Atomic<Int>(0)
    }

    /// A backend reply that never comes while the gateway is at work: it is held until the test releases it
    /// (or `limit` passes), so an attempt that outlived its deadline would show as lasting about `limit`.
    final class Hang: Sendable {
        static let limit = Duration.seconds(30)
        private let released = Atomic<Bool>(false)

        func release() { released.store(true, ordering: .relaxed) }

        func wait() async throws {
            let end = ContinuousClock.now + Self.limit
            while !released.load(ordering: .relaxed), ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let queued = #"{"id": "b1", "message": "", "finished": false, "callID": "c1", "modelOutputs": []}"#

    static let faults = [
        Fault(
            name: "hangs after accepting the job", outcome: .timedOut, deadlines: (start: 1, total: 2),
            start: { _ in RemoteProviderFaultTests.json(queued) },
            check: { hang in
                try await hang.wait()
                return RemoteProviderFaultTests.json(queued)
            }),
        Fault(
            name: "resets the connection mid-reply", outcome: .failed,
            start: { _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: 4096) { writer in
                        try await writer.write(ByteBuffer(string: #"{"id": "b1", "mess"#))
                        throw CancellationError()
                    })
            },
            check: { _ in RemoteProviderFaultTests.json(queued) }),
        Fault(
            name: "answers garbage", outcome: .failed,
            start: { _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>502 from a proxy")))
            },
            check: { _ in RemoteProviderFaultTests.json(queued) }),
        Fault(
            name: "boots slower than the start deadline", outcome: .timedOut, deadlines: (start: 1, total: 2),
            start: { hang in
                try await hang.wait()
                return RemoteProviderFaultTests.json(queued)
            },
            check: { _ in RemoteProviderFaultTests.json(queued) }),
    ]

    @Test(arguments: faults) func failsOverWithinTheDeadlinesAndChargesOnce(_ fault: Fault) async throws {
        setenv("GATEWAY_TEST_REMOTE_KEY", "remote-key", 1)
        let starts = StartCounter()
        let hang = Hang()
        let backend = Router()
        backend.post("start/v4") { _, _ in
            starts.count.add(1, ordering: .relaxed)
            return try await fault.start(hang)
        }
        backend.post("check/v4") { _, _ in try await fault.check(hang) }
        try await Application(router: backend, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { remote in
                let port = try #require(remote.port)
                let providers = """
                    {name: cloud, kind: banana, endpoint: "http://127.0.0.1:\(port)", price_per_second_usd: 0.001, \
                    start_deadline_seconds: \(fault.deadlines.start), \
                    total_deadline_seconds: \(fault.deadlines.total), api_key_env: GATEWAY_TEST_REMOTE_KEY, \
                    options: {style: v4}}
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
                hang.release()
                #expect(starts.count.load(ordering: .relaxed) == 1)
                let reader = try await SQLiteQuotaLedger.open(
                    path: gateway.databasePath, owner: LedgerOwner(instanceID: "reader", processStartedAt: Date()),
                    options: .init(readOnly: true))
                let attempts = try await reader.attempts(jobID: JobID(id))
                #expect(attempts.map(\.provider) == ["cloud", "fast"])
                #expect(attempts.map(\.outcome) == [fault.outcome, .succeeded])
                // The attempt ended at the remote's deadline, not when the backend would have answered (the
                // generous slack is for a machine busy with the whole suite in parallel).
                #expect((attempts.first?.durationMilliseconds ?? .max) < Int64(fault.deadlines.total) * 1000 + 10_000)
                let reservation = try await reader.reservation(jobID: JobID(id))
                #expect(reservation?.state == .settled)
                #expect(reservation?.chargedMicros == 2000)
                let audit = try await LedgerAudit.run(reader)
                #expect(audit.settled == 1 && audit.held == 0)
                #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
                await reader.close()
            }
    }
}
