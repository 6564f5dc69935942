import Foundation
import Logging
import ServiceLifecycle

/// The gateway's state, as the configuration names it: SQLite in the data folder (the default, one process), or a
/// PostgreSQL database shared by many instances (`store: postgres://...`).
struct GatewayStore: Sendable {
    let ledger: any QuotaLedger
    let jobs: any JobStore
    /// What the ops dashboard reads beside the ledger's reports.
    let statistics: any AdminStatistics
    /// Job news between instances; nil for SQLite, where one process owns everything.
    let channel: (any JobSignalChannel)?
    #if GATEWAY_POSTGRES
    /// The shared ledger, whose lease the instance keeps; nil for SQLite.
    var sharedLedger: PostgresQuotaLedger? = nil
    #endif
    /// Closes everything, after the jobs have been closed.
    let close: @Sendable () async -> Void

    /// Opens the configured store, creating and migrating its schema.
    static func open(
        _ configuration: GatewayConfiguration, now: @Sendable () -> Date, logger: Logger
    ) async throws -> GatewayStore {
        let owner = LedgerOwner(instanceID: configuration.instanceID, processStartedAt: now())
        guard let store = configuration.store else {
            return try await openSQLite(configuration, owner: owner)
        }
        #if GATEWAY_POSTGRES
        let ledger = try await PostgresQuotaLedger.open(
            storeURL: store, owner: owner, lease: configuration.lease, logger: logger)
        let jobs = PostgresJobStore(database: ledger.database, owner: owner)
        logger.info(
            "shared store", metadata: ["store": "\(ledger.database.url)", "instance": "\(owner.instanceID)"])
        return GatewayStore(
            ledger: ledger, jobs: jobs, statistics: PostgresAdminStatistics(database: ledger.database), channel: jobs,
            sharedLedger: ledger,
            close: {
                jobs.close()
                await ledger.close()
            })
        #else
        _ = store
        throw StoreError.postgresNotBuiltIn
        #endif
    }

    private static func openSQLite(_ configuration: GatewayConfiguration, owner: LedgerOwner) async throws
        -> GatewayStore
    {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw GatewaySetupError.dataDirectory(configuration.dataDirectory, "\(error.localizedDescription)")
        }
        let ledger = try await SQLiteQuotaLedger.open(
            path: GatewaySchema.databasePath(dataDirectory: configuration.dataDirectory), owner: owner)
        return GatewayStore(
            ledger: ledger, jobs: SQLiteJobStore(database: ledger.database),
            statistics: SQLiteAdminStatistics(database: ledger.reports), channel: nil,
            close: { await ledger.close() })
    }

    /// The services a shared store needs beside the gateway's: the lease keeper and the relay of other instances'
    /// job news.
    func services(runner: JobRunner, hub: JobEventHub, now: @escaping @Sendable () -> Date, logger: Logger)
        -> [any Service]
    {
        var services: [any Service] = []
        #if GATEWAY_POSTGRES
        if let sharedLedger {
            services.append(
                LeaseKeeper(
                    ledger: sharedLedger, store: jobs, hub: hub, interval: sharedLedger.lease / 3, now: now,
                    logger: logger))
        }
        #endif
        if let channel {
            services.append(
                JobSignalRelay(
                    channel: channel, store: jobs, cancelRunning: { _ = runner.cancelRunning($0) }, hub: hub))
        }
        return services
    }
}
