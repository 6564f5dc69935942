import ArgumentParser
import Foundation
import Gateway

struct Usage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print images, GPU seconds and spend per user and per provider for a UTC month.")

    @Option(help: "Only this user's jobs (their email address).")
    var user: String?

    @Option(help: "The UTC month, YYYY-MM (default: the current one).")
    var month: String?

    @Option(help: "Folder of the gateway's database.")
    var data = "data"

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func validate() throws {
        if let month, UTCMonth(month) == nil {
            throw ValidationError("--month must be YYYY-MM with a month 01-12, got '\(month)'")
        }
    }

    func run() async throws {
        let path = GatewaySchema.databasePath(dataDirectory: data)
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(
                Data("Error: no gateway database at \(path); pass the gateway's --data folder\n".utf8))
            throw ExitCode.failure
        }
        let ledger = try await SQLiteQuotaLedger.open(
            path: path, owner: LedgerOwner(instanceID: "usage", processStartedAt: Date()),
            options: SQLiteDatabase.Options(readOnly: true, create: false))
        let query = UsageQuery(month: month.flatMap(UTCMonth.init) ?? UTCMonth(containing: Date()), userEmail: user)
        let report = try await ledger.usage(query)
        await ledger.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.renderTable(), terminator: "")
        }
    }
}
