import Foundation
import Testing

@testable import Gateway

/// `kill -9` in the middle of a stream of ledger work loses no settled record and leaves no hold after recovery.
@Suite struct LedgerCrashTests {
    /// The probe executable, built next to the test bundle by `swift build --build-tests`.
    static func probeURL() -> URL? {
        var folders: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        return folders.map { $0.appendingPathComponent("ledger-crash-probe") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Lines a child process writes, collected by a reading thread.
    final class LineCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var buffer = Data()

        func append(_ data: Data) {
            lock.withLock { buffer.append(data) }
        }

        /// Complete lines so far.
        var lines: [String] {
            lock.withLock {
                let text = String(decoding: buffer, as: UTF8.self)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines.removeLast()
                return lines
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func killNineLosesNoSettledChargeAndLeavesNoHold() async throws {
        let probe = try #require(Self.probeURL(), "ledger-crash-probe not found; build with swift build --build-tests")
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        for round in 0..<3 {
            let process = Process()
            process.executableURL = probe
            process.arguments = [folder.databasePath, "probe-\(round)"]
            let output = Pipe()
            process.standardOutput = output
            let collector = LineCollector()
            let reading = Thread {
                while true {
                    let data = output.fileHandleForReading.availableData
                    if data.isEmpty { return }
                    collector.append(data)
                }
            }
            try process.run()
            try output.fileHandleForWriting.close()
            reading.start()

            // Let it work: at least 30 settles (bounded wait), then kill it mid-stream.
            let deadline = ContinuousClock.now + .seconds(60)
            while collector.lines.filter({ $0.hasPrefix("settled") }).count < 30 + round * 7,
                ContinuousClock.now < deadline, process.isRunning
            {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(process.isRunning, "the probe stopped by itself: \(collector.lines.suffix(3))")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            // Everything the probe wrote before it died is still in the pipe: read it to the end.
            let drained = ContinuousClock.now + .seconds(10)
            while !reading.isFinished, ContinuousClock.now < drained {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(reading.isFinished)

            let settled = collector.lines.filter { $0.hasPrefix("settled ") }.map { $0.split(separator: " ") }
            #expect(settled.count >= 30)
            let ledger = try await SQLiteQuotaLedger.open(
                path: folder.databasePath, owner: LedgerFixtures.owner("checker-\(round)", started: Date()))
            for line in settled {
                let reservation = try await ledger.reservation(jobID: JobID(String(line[1])))
                #expect(reservation?.state == .settled, "lost settle of \(line[1])")
                #expect(reservation?.chargedMicros == Int64(line[2]))
            }
            let released = try await ledger.recoverOrphans(now: Date())
            let leftHeld = collector.lines.filter { $0.hasPrefix("held ") }.map { String($0.dropFirst(5)) }
            #expect(Set(leftHeld).isSubset(of: Set(released.map(\.jobID.rawValue))))
            let audit = try await LedgerAudit.run(ledger)
            #expect(audit.held == 0)
            #expect(audit.windowMismatches.isEmpty, "\(audit.windowMismatches)")
            #expect(audit.chargeMismatches.isEmpty, "\(audit.chargeMismatches)")
            await ledger.close()
        }
    }
}
