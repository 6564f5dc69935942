// A test helper for LedgerCrashTests: runs a stream of ledger work on a database file until it is killed.
// Prints `settled JOB CHARGE` only after the settle has committed, and `held JOB` for jobs it leaves running.
import Foundation
import Gateway

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: ledger-crash-probe DATABASE INSTANCE\n".utf8))
    exit(2)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let owner = LedgerOwner(instanceID: arguments[2], processStartedAt: Date())
let ledger = try await SQLiteQuotaLedger.open(path: arguments[1], owner: owner)
let user = UserKey(issuer: "https://accounts.google.com", subject: "probe")
let limits = QuotaLimits(imagesPerDay: 1_000_000, spendPerMonthMicros: 1_000_000_000_000)

for index in 0..<1_000_000 {
    let jobID = JobID("\(owner.instanceID)-\(index)")
    let now = Date()
    let outcome = try await ledger.reserve(
        ReservationRequest(
            jobID: jobID, user: user, email: "probe@example.com", limits: limits, estimateMicros: 5_000,
            chargesFailedAttempts: index % 2 == 0, now: now))
    guard case .admitted = outcome else {
        say("unexpected \(outcome)")
        exit(1)
    }
    if index % 3 == 0 {
        try await ledger.recordAttempt(
            AttemptRecord(
                provider: "remote", outcome: .failed, startedAt: now, durationMilliseconds: 900,
                paidMilliseconds: 400, costMicros: 100), jobID: jobID)
    }
    if index % 7 == 5 {
        say("held \(jobID)")
        continue
    }
    let success = AttemptRecord(
        provider: "local", outcome: .succeeded, startedAt: now, durationMilliseconds: 1_500,
        paidMilliseconds: 1_500, costMicros: Int64(1_000 + index % 10))
    let settled: Reservation
    if index % 2 == 0 {
        settled = try await ledger.settle(jobID: jobID, finalAttempt: success, now: Date())
    } else {
        try await ledger.recordAttempt(success, jobID: jobID)
        settled = try await ledger.settle(jobID: jobID, now: Date())
    }
    say("settled \(jobID) \(settled.chargedMicros)")
}
