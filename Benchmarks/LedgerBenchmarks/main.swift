// Measures the quota ledger's reserve+settle pairs per second on a file database in WAL mode, sequentially and
// with concurrent callers, with every guarantee on (BEGIN IMMEDIATE check-and-reserve, attempts, settle).
// Usage: ledger-benchmarks [--pairs N] [--synchronous normal|full|both]
import Foundation
import Gateway

struct BenchmarkOptions {
    var pairs = 20_000
    var synchronousModes: [SQLiteDatabase.Options.Synchronous] = [.normal, .full]

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--pairs": pairs = iterator.next().flatMap(Int.init) ?? pairs
            case "--synchronous":
                switch iterator.next() {
                case "normal": synchronousModes = [.normal]
                case "full": synchronousModes = [.full]
                default: synchronousModes = [.normal, .full]
                }
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Runs `pairs` reserve(+attempt)+settle cycles over `callers` concurrent tasks; returns pairs per second.
func measure(
    synchronous: SQLiteDatabase.Options.Synchronous, callers: Int, pairs: Int, withAttempt: Bool
) async throws -> Double {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let ledger = try await SQLiteQuotaLedger.open(
        path: folder.appendingPathComponent("gateway.sqlite").path,
        owner: LedgerOwner(instanceID: "bench", processStartedAt: Date()),
        options: SQLiteDatabase.Options(synchronous: synchronous))
    let limits = QuotaLimits(
        imagesPerDay: 10_000_000, imagesPerMonth: 10_000_000, spendPerDayMicros: 1_000_000_000_000,
        spendPerMonthMicros: 1_000_000_000_000, maxConcurrentJobs: 1_000)
    let perCaller = pairs / callers
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for caller in 0..<callers {
            group.addTask {
                for index in 0..<perCaller {
                    let jobID = JobID("job-\(caller)-\(index)")
                    let user = UserKey(issuer: "https://accounts.google.com", subject: "user-\(index % 100)")
                    let now = Date()
                    let outcome = try await ledger.reserve(
                        ReservationRequest(
                            jobID: jobID, user: user, limits: limits, estimateMicros: 10_000, now: now))
                    guard case .admitted = outcome else { fatalError("benchmark reservation refused: \(outcome)") }
                    if withAttempt {
                        try await ledger.recordAttempt(
                            AttemptRecord(
                                provider: "local", outcome: .succeeded, startedAt: now, durationMilliseconds: 1_000,
                                paidMilliseconds: 1_000, costMicros: 260), jobID: jobID)
                    }
                    _ = try await ledger.settle(jobID: jobID, now: now)
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    await ledger.close()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(perCaller * callers) / seconds
}

let options = BenchmarkOptions(CommandLine.arguments)
print("| synchronous | callers | cycle | per second |")
print("| --- | ---: | --- | ---: |")
for synchronous in options.synchronousModes {
    let pairs = synchronous == .full ? max(1, options.pairs / 10) : options.pairs
    for callers in [1, 16] {
        for withAttempt in [false, true] {
            let rate = try await measure(
                synchronous: synchronous, callers: callers, pairs: pairs, withAttempt: withAttempt)
            let cycle = withAttempt ? "reserve+attempt+settle" : "reserve+settle"
            print("| \(synchronous.rawValue) | \(callers) | \(cycle) | \(Int(rate)) |")
        }
    }
}
