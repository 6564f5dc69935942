import Foundation
import Hummingbird
import HummingbirdTesting
import LocalProvider
import Synchronization
import Testing

@testable import Gateway

/// Faults that need the real gateway process (`diffusion-gateway serve --dev`, see `GatewayProcess`) in front of
/// a banana-style backend on loopback: `kill -9` in a burst of jobs, SIGTERM while jobs run, and storage that
/// refuses every write. Each ends with an audit of the database file the process left.
@Suite(.serialized) struct GatewayProcessFaultTests {
    /// The backend's answer to `start`: wait `delay` (or until `held` is cleared), then a finished 64x64 image.
    final class Backend: Sendable {
        let starts = Atomic<Int>(0)
        let held = Atomic<Bool>(false)
        let delay: Duration
        let image: String

        init(delay: Duration = .zero, holding: Bool = false) throws {
            self.delay = delay
            let pixels = [UInt8](repeating: 90, count: 64 * 64 * 3)
            image = Data(try PNGEncoder.encode(rgb: pixels, width: 64, height: 64)).base64EncodedString()
            held.store(holding, ordering: .relaxed)
        }

        func start() async throws -> Response {
            starts.add(1, ordering: .relaxed)
            try await Task.sleep(for: delay)
            let deadline = ContinuousClock.now + .seconds(30)
            while held.load(ordering: .relaxed), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let body =
                #"{"id": "b1", "message": "", "finished": true, "modelOutputs": [{"image_base64": "\#(image)"}]}"#
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }

        /// Runs `body` with the backend listening on loopback; the held answers are let go at the end.
        func serve(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
            let router = Router()
            router.post("start/v4") { _, _ in try await self.start() }
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                .test(.live) { client in
                    defer { self.held.store(false, ordering: .relaxed) }
                    try await body(try #require(client.port))
                }
        }

        /// Waits (at most 60 s) until the backend has seen `count` starts; a failure quotes the gateway's log.
        ///
        /// Usually a second or two. The bound is wide because under ThreadSanitizer, with the whole suite running
        /// beside it on two cores, this backend (in the test process) and the gateway both crawl: the burst test
        /// took 19 s there where it takes 2.5 s alone.
        func waitForStarts(_ count: Int, of gateway: GatewayProcess) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while starts.load(ordering: .relaxed) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let seen = starts.load(ordering: .relaxed)
            #expect(seen >= count, "\(seen) starts; the gateway's log: \(gateway.output.suffix(4000))")
        }
    }

    /// A temp folder with a policy routing the `free` tier to the banana backend on `port`.
    static func folder(backendPort port: Int) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-process-\(UUID().uuidString)")
        let policies = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try """
        providers:
          - {name: cloud, kind: banana, endpoint: "http://127.0.0.1:\(port)", price_per_second_usd: 0.001, \
        total_deadline_seconds: 60, api_key_env: \(GatewayProcess.remoteKeyVariable), options: {style: v4}}
        tiers:
          - {name: free, providers: [cloud], limits: {images_per_day: 1000}}
        users:
          - {default: true, tier: free}
        """.write(to: policies.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    /// What the database in `folder` holds after the process stopped: the ledger audit, every reservation's state,
    /// every job's status, and for each job the reservation's charge beside the cost the job shows.
    static func inspect(_ folder: URL) async throws -> (
        audit: LedgerAudit, reservations: [String: Reservation.State], jobs: [String: String],
        charges: [String: (charged: Int64, shown: Int64)]
    ) {
        let ledger = try await SQLiteQuotaLedger.open(
            path: folder.appendingPathComponent("data/gateway.sqlite").path,
            owner: LedgerOwner(instanceID: "auditor", processStartedAt: Date()), options: .init(readOnly: true))
        let audit = try await LedgerAudit.run(ledger)
        let (reservations, jobs, charges) = try await ledger.database.perform { connection in
            let reservations = try connection.query("SELECT job_id, state FROM reservations") {
                ($0.text(0), $0.text(1))
            }
            let jobs = try connection.query("SELECT id, status FROM jobs") { ($0.text(0), $0.text(1)) }
            let charges = try connection.query(
                "SELECT r.job_id, r.charged_micros, j.cost_micros FROM reservations r JOIN jobs j ON j.id = r.job_id"
            ) { ($0.text(0), (charged: $0.int64(1), shown: $0.int64(2))) }
            return (reservations, jobs, charges)
        }
        await ledger.close()
        return (
            audit,
            Dictionary(uniqueKeysWithValues: reservations.map { ($0.0, Reservation.State(rawValue: $0.1) ?? .held) }),
            Dictionary(uniqueKeysWithValues: jobs),
            Dictionary(uniqueKeysWithValues: charges)
        )
    }

    @Test(.timeLimit(.minutes(3))) func killNineInABurstLeavesEveryReservationSettledOrReleasedAfterRestart()
        async throws
    {
        let backend = try Backend(delay: .milliseconds(300))
        try await backend.serve { port in
            let folder = try Self.folder(backendPort: port)
            defer { try? FileManager.default.removeItem(at: folder) }
            let gateway = try GatewayProcess(folder: folder, arguments: ["--jobs", "2"])
            defer { gateway.stop() }
            try await gateway.waitUntilHealthy()
            let token = try await gateway.token()

            let submitted = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<24 { group.addTask { try await gateway.submit(token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(submitted.allSatisfy { $0.0 == 202 }, "\(submitted.map { $0.0 })")
            let accepted = Set(submitted.compactMap { $0.1 })
            try await backend.waitForStarts(5, of: gateway)
            gateway.send(SIGKILL)
            #expect(try await gateway.waitForExit(within: 10))

            let restarted = try GatewayProcess(folder: folder)
            defer { restarted.stop() }
            try await restarted.waitUntilHealthy()
            restarted.send(SIGTERM)
            #expect(try await restarted.waitForExit(within: 30), "\(restarted.output.suffix(2000))")

            let (audit, reservations, jobs, charges) = try await Self.inspect(folder)
            #expect(Set(reservations.keys) == accepted)
            #expect(Set(jobs.keys) == accepted)
            #expect(audit.held == 0)
            #expect(audit.settled >= 1, "the kill came after every job had finished")
            #expect(audit.released + audit.refunded >= 1, "the kill came before any job was running")
            for id in accepted {
                switch jobs[id] {
                case "succeeded":
                    // Released when the kill fell between storing the job's end and closing its reservation: the
                    // restart then charges the recorded attempts, the same charge the job already shows.
                    #expect(reservations[id] == .settled || reservations[id] == .released, "\(id)")
                    #expect(charges[id]?.charged == charges[id]?.shown, "\(id): \(String(describing: charges[id]))")
                    #expect((charges[id]?.charged ?? 0) > 0, "\(id) made an image for nothing")
                case "interrupted":
                    #expect(reservations[id] == .released || reservations[id] == .refunded, "\(id)")
                    #expect(charges[id]?.charged == charges[id]?.shown, "\(id): \(String(describing: charges[id]))")
                default: Issue.record("job \(id) is \(jobs[id] ?? "missing") after the restart")
                }
            }
            #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
            #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func sigtermDuringRunningJobsExitsWithinTheGracePeriodAndRefunds() async throws {
        let backend = try Backend(holding: true)
        try await backend.serve { port in
            let folder = try Self.folder(backendPort: port)
            defer { try? FileManager.default.removeItem(at: folder) }
            let gateway = try GatewayProcess(folder: folder, arguments: ["--jobs", "4", "--shutdown-grace", "1"])
            defer { gateway.stop() }
            try await gateway.waitUntilHealthy()
            let token = try await gateway.token()
            var ids: [String] = []
            for _ in 0..<3 {
                let (status, id) = try await gateway.submit(token: token)
                #expect(status == 202)
                ids += id.map { [$0] } ?? []
            }
            try await backend.waitForStarts(3, of: gateway)

            let signalled = ContinuousClock.now
            gateway.send(SIGTERM)
            // One second of grace, then the running jobs are cancelled and recorded; the bound leaves room for a
            // busy machine, not for a shutdown that waits on the backend (held for 30 s).
            #expect(try await gateway.waitForExit(within: 15), "\(gateway.output.suffix(2000))")
            #expect(ContinuousClock.now - signalled < .seconds(15))
            #expect(gateway.process.terminationReason == .exit)
            #expect(gateway.process.terminationStatus == 0, "\(gateway.output.suffix(2000))")

            let (audit, reservations, jobs, _) = try await Self.inspect(folder)
            #expect(ids.count == 3)
            for id in ids {
                #expect(jobs[id] == "interrupted", "\(id): \(jobs[id] ?? "missing")")
                #expect(reservations[id] == .refunded, "\(id)")
            }
            #expect(audit.held == 0)
            #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        }
    }

    /// On Linux a running process keeps writing through the files it has open when their folder turns read-only
    /// (permissions are checked at open, root ignores them, and the kernel refuses a read-only remount while files
    /// are open for writing), so what reaches a running gateway is storage refusing its writes. The test makes the
    /// kernel refuse them, as root too: a file-size limit of 0 on the process (`prlimit`), so every write to a
    /// regular file fails with EFBIG; then it lifts the limit.
    @Test(.timeLimit(.minutes(2))) func storageRefusingWritesAnswers503AdmitsNothingAndRecovers() async throws {
        let backend = try Backend()
        try await backend.serve { port in
            let folder = try Self.folder(backendPort: port)
            defer { try? FileManager.default.removeItem(at: folder) }
            let gateway = try GatewayProcess(folder: folder, ignoringFileSizeSignal: true)
            defer { gateway.stop() }
            try await gateway.waitUntilHealthy()
            let token = try await gateway.token()
            let (firstStatus, first) = try await gateway.submit(token: token)
            #expect(firstStatus == 202)
            let firstID = try #require(first)
            #expect(try await gateway.waitFinished(firstID, token: token) == "succeeded")

            try Self.limitFileSize(of: gateway, to: "0")
            for _ in 0..<3 {
                let (status, body) = try await gateway.call(
                    "POST", "/v1/generations", token: token,
                    json: #"{"prompt": "a red fox", "steps": 4, "width": 64, "height": 64}"#)
                #expect(status == 503, "\(body)")
                #expect((body["error"] as? [String: Any])?["code"] as? String == "storage_unavailable")
            }
            let (readyStatus, ready) = try await gateway.call("GET", "/readyz")
            #expect(readyStatus == 503)
            #expect(((ready["checks"] as? [String: Any])?["database"] as? [String: Any])?["ok"] as? Bool == false)
            #expect(gateway.process.isRunning)

            try Self.limitFileSize(of: gateway, to: "unlimited")
            #expect(try await gateway.call("GET", "/readyz").status == 200)
            let (againStatus, again) = try await gateway.submit(token: token)
            #expect(againStatus == 202)
            let againID = try #require(again)
            #expect(try await gateway.waitFinished(againID, token: token) == "succeeded")
            gateway.send(SIGTERM)
            #expect(try await gateway.waitForExit(within: 30))

            let (audit, reservations, jobs, _) = try await Self.inspect(folder)
            #expect(Set(reservations.keys) == [firstID, againID])
            #expect(Set(jobs.keys) == [firstID, againID])
            #expect(audit.settled == 2 && audit.held == 0)
            #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
        }
    }

    /// The data folder is read-only when the gateway starts: it refuses to start and says which file and what to
    /// check; once the folder is writable again it starts and admits jobs.
    @Test(.enabled(if: GatewayProcess.canUnshare), .timeLimit(.minutes(2)))
    func readOnlyDataFolderAtStartIsRefusedClearlyAndWritableAgainStarts() async throws {
        let backend = try Backend()
        try await backend.serve { port in
            let folder = try Self.folder(backendPort: port)
            defer { try? FileManager.default.removeItem(at: folder) }
            let first = try GatewayProcess(folder: folder)
            defer { first.stop() }
            try await first.waitUntilHealthy()
            first.send(SIGTERM)
            #expect(try await first.waitForExit(within: 30))

            let refused = try GatewayProcess(folder: folder, readOnlyData: true)
            defer { refused.stop() }
            #expect(try await refused.waitForExit(within: 30), "it started on a read-only data folder")
            #expect(refused.process.terminationStatus != 0)
            #expect(refused.output.contains("cannot open or write the database at"), "\(refused.output.suffix(2000))")
            #expect(refused.output.contains("writable"))

            let again = try GatewayProcess(folder: folder)
            defer { again.stop() }
            try await again.waitUntilHealthy()
            #expect(try await again.call("GET", "/readyz").status == 200)
            let (status, _) = try await again.submit(token: try await again.token())
            #expect(status == 202)
        }
    }

    /// Sets the soft file-size limit of the running gateway (`prlimit --fsize=SOFT:`; the hard limit stays).
    static func limitFileSize(of gateway: GatewayProcess, to soft: String) throws {
        let prlimit = Process()
        prlimit.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        prlimit.arguments = ["--pid", "\(gateway.process.processIdentifier)", "--fsize=\(soft):"]
        try prlimit.run()
        prlimit.waitUntilExit()
        guard prlimit.terminationStatus == 0 else { throw TestFailure("prlimit --fsize=\(soft): failed") }
    }
}
