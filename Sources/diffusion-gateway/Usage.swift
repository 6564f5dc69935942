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

    @Option(
        help: ArgumentHelp("The shared PostgreSQL store instead of --data (default: $GATEWAY_STORE).", valueName: "url")
    )
    var store: String?

    /// `--store`, else `$GATEWAY_STORE` when set and not empty.
    var storeURL: String? {
        store ?? ProcessInfo.processInfo.environment["GATEWAY_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func validate() throws {
        if let month, UTCMonth(month) == nil {
            throw ValidationError("--month must be YYYY-MM with a month 01-12, got '\(month)'")
        }
    }

    func run() async throws {
        let query = UsageQuery(month: month.flatMap(UTCMonth.init) ?? UTCMonth(containing: Date()), userEmail: user)
        let report: UsageReport
        if let store = storeURL {
            #if GATEWAY_POSTGRES
            let ledger = try await PostgresQuotaLedger.open(
                storeURL: store, owner: LedgerOwner(instanceID: "usage", processStartedAt: Date()))
            do {
                report = try await ledger.usage(query)
            } catch {
                await ledger.close()
                throw error
            }
            await ledger.close()
            #else
            _ = store
            throw StoreError.postgresNotBuiltIn
            #endif
        } else {
            report = try await sqliteUsage(query)
        }
        try show(report)
    }

    private func sqliteUsage(_ query: UsageQuery) async throws -> UsageReport {
        let path = GatewaySchema.databasePath(dataDirectory: data)
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(
                Data("Error: no gateway database at \(path); pass the gateway's --data folder\n".utf8))
            throw ExitCode.failure
        }
        let ledger = try await SQLiteQuotaLedger.open(
            path: path, owner: LedgerOwner(instanceID: "usage", processStartedAt: Date()),
            options: SQLiteDatabase.Options(readOnly: true, create: false))
        let report = try await ledger.usage(query)
        await ledger.close()
        return report
    }

    private func show(_ report: UsageReport) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.renderTable(), terminator: "")
        }
    }
}
