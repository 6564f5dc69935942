// Measures the quota ledger's reserve+settle pairs per second on a file database in WAL mode, sequentially and
// with concurrent callers, with every guarantee on (BEGIN IMMEDIATE check-and-reserve, an attempt, settle); with
// --postgres, the same on PostgreSQL databases in the same run (each LABEL=URL is one row group).
// Usage: ledger-benchmarks [--pairs N] [--repeat N] [--synchronous normal|full|both] [--postgres LABEL=URL]...
import Foundation
import Gateway

struct BenchmarkOptions {
    var pairs = 20_000
    /// Each case runs this many times and the best run is kept: the machine is shared, and the least disturbed
    /// run is the closest to what the ledger itself costs.
    var repeats = 3
    var synchronousModes: [SQLiteDatabase.Options.Synchronous] = [.normal, .full]
    /// PostgreSQL databases to measure too: a label for the table (its durability setting) and a store URL.
    var postgres: [(label: String, url: String)] = []

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--pairs": pairs = iterator.next().flatMap(Int.init) ?? pairs
            case "--repeat": repeats = max(1, iterator.next().flatMap(Int.init) ?? repeats)
            case "--synchronous":
                switch iterator.next() {
                case "normal": synchronousModes = [.normal]
                case "full": synchronousModes = [.full]
                default: synchronousModes = [.normal, .full]
                }
            case "--postgres":
                guard let value = iterator.next(), let equals = value.firstIndex(of: "=") else {
                    FileHandle.standardError.write(Data("--postgres needs LABEL=URL\n".utf8))
                    exit(2)
                }
                postgres.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// CPU time (user + system, all threads) this process has used, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// Runs `pairs` cycles over `callers` concurrent tasks: reserve, then settle with the successful attempt in the same
/// transaction, or with the attempt recorded in a transaction of its own; returns cycles per wall-clock
/// second and per CPU second (the cost on one core, whatever else the machine runs).
func measure(
    ledger: any QuotaLedger, callers: Int, pairs: Int, separateAttempt: Bool
) async throws -> (wall: Double, cpu: Double) {
    let run = UUID().uuidString.prefix(8)
    let limits = QuotaLimits(
        imagesPerDay: 10_000_000, imagesPerMonth: 10_000_000, spendPerDayMicros: 1_000_000_000_000,
        spendPerMonthMicros: 1_000_000_000_000, maxConcurrentJobs: 1_000)
    let perCaller = pairs / callers
    let start = ContinuousClock.now
    let startCPU = processCPUSeconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for caller in 0..<callers {
            group.addTask {
                for index in 0..<perCaller {
                    let jobID = JobID("job-\(run)-\(caller)-\(index)")
                    let user = UserKey(issuer: "https://accounts.google.com", subject: "user-\(index % 100)")
                    let now = Date()
                    let outcome = try await ledger.reserve(
                        ReservationRequest(
                            jobID: jobID, user: user, limits: limits, estimateMicros: 10_000, now: now))
                    guard case .admitted = outcome else { fatalError("benchmark reservation refused: \(outcome)") }
                    let attempt = AttemptRecord(
                        provider: "local", outcome: .succeeded, startedAt: now, durationMilliseconds: 1_000,
                        paidMilliseconds: 1_000, costMicros: 260)
                    if separateAttempt {
                        try await ledger.recordAttempt(attempt, jobID: jobID)
                        _ = try await ledger.settle(jobID: jobID, now: now)
                    } else {
                        _ = try await ledger.settle(jobID: jobID, finalAttempt: attempt, now: now)
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    let cpu = processCPUSeconds() - startCPU
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(perCaller * callers) / seconds, Double(perCaller * callers) / cpu)
}

/// A fresh SQLite ledger in a temporary folder; the closer removes it.
func openSQLite(_ synchronous: SQLiteDatabase.Options.Synchronous) async throws -> (any QuotaLedger, () async -> Void) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let ledger = try await SQLiteQuotaLedger.open(
        path: folder.appendingPathComponent("gateway.sqlite").path,
        owner: LedgerOwner(instanceID: "bench", processStartedAt: Date()),
        options: SQLiteDatabase.Options(synchronous: synchronous))
    return (
        ledger,
        {
            await ledger.close()
            try? FileManager.default.removeItem(at: folder)
        }
    )
}

/// Best of `repeats` runs of each cycle and caller count, as table rows.
func rows(
    store: String, durability: String, pairs: Int, repeats: Int,
    open: () async throws -> (any QuotaLedger, () async -> Void)
) async throws {
    for callers in [1, 16] {
        for separateAttempt in [false, true] {
            var rate = (wall: 0.0, cpu: 0.0)
            for _ in 0..<repeats {
                let (ledger, close) = try await open()
                let run = try await measure(
                    ledger: ledger, callers: callers, pairs: pairs, separateAttempt: separateAttempt)
                await close()
                rate = (max(rate.wall, run.wall), max(rate.cpu, run.cpu))
            }
            let cycle = separateAttempt ? "reserve, attempt, settle" : "reserve, settle+attempt"
            print("| \(store) | \(durability) | \(callers) | \(cycle) | \(Int(rate.wall)) | \(Int(rate.cpu)) |")
        }
    }
}

let options = BenchmarkOptions(CommandLine.arguments)
#if !GATEWAY_POSTGRES
// Refused before any SQLite row is measured, not after.
if !options.postgres.isEmpty { throw StoreError.postgresNotBuiltIn }
#endif
print("| store | durability | callers | cycle | per wall second | per CPU second |")
print("| --- | --- | ---: | --- | ---: | ---: |")
for synchronous in options.synchronousModes {
    let pairs = synchronous == .full ? max(1, options.pairs / 10) : options.pairs
    try await rows(
        store: "sqlite", durability: "synchronous=\(synchronous.rawValue)", pairs: pairs, repeats: options.repeats
    ) { try await openSQLite(synchronous) }
}
#if GATEWAY_POSTGRES
for (label, url) in options.postgres {
    try await rows(store: "postgres", durability: label, pairs: options.pairs / 4, repeats: options.repeats) {
        let ledger = try await PostgresQuotaLedger.open(
            storeURL: url,
            owner: LedgerOwner(instanceID: "bench-\(UUID().uuidString.prefix(8))", processStartedAt: Date()))
        return (ledger, { await ledger.close() })
    }
}
#endif
