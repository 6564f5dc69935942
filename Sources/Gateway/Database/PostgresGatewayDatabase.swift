#if GATEWAY_POSTGRES
import Foundation
import Logging
import Providers
import PostgresNIO

/// The gateway's shared PostgreSQL database: postgres-nio connection pools (on NIO's event loops, never blocking
/// Swift's cooperative pool), schema creation and migration, transactions, and notifications. Requests use the main
/// pool; the heartbeat and the listening connection use a small pool of their own, so a burst of requests never
/// delays a heartbeat into a lost lease. Every operation is bounded: a database that does not answer in
/// `operationTimeout` is `store_unavailable`.
final class PostgresGatewayDatabase: Sendable {
    let url: PostgresStoreURL
    let logger: Logger
    let operationTimeout: Duration
    private let client: PostgresClient
    private let controlClient: PostgresClient
    private let runner: Task<Void, Never>

    private init(url: PostgresStoreURL, logger: Logger, operationTimeout: Duration) {
        self.url = url
        self.logger = logger
        self.operationTimeout = operationTimeout
        let client = PostgresClient(configuration: url.clientConfiguration(connections: 16), backgroundLogger: logger)
        let controlClient = PostgresClient(
            configuration: url.clientConfiguration(connections: 2), backgroundLogger: logger)
        self.client = client
        self.controlClient = controlClient
        runner = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask { await controlClient.run() }
            }
        }
    }

    /// Connects and brings the schema up to date (creating it in an empty database). Several instances may start at
    /// once: the migration runs under a transaction-scoped advisory lock.
    static func open(
        url: PostgresStoreURL, migrations: [PostgresMigration], logger: Logger,
        operationTimeout: Duration = .seconds(15)
    ) async throws -> PostgresGatewayDatabase {
        let database = PostgresGatewayDatabase(url: url, logger: logger, operationTimeout: operationTimeout)
        do {
            try await database.migrate(migrations)
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    /// Stops the pool; queries after this fail.
    func close() async {
        runner.cancel()
        await runner.value
    }

    /// Runs `body` in one transaction (READ COMMITTED; callers lock the rows they check before they write), committed
    /// when it returns and rolled back when it throws.
    func transaction<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await bounded(timeout: operationTimeout) { [client, logger] in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                let value: Value
                do {
                    value = try await body(connection)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                try await connection.query("COMMIT", logger: logger)
                return value
            }
        }
    }

    /// Runs `body` on a pooled connection outside a transaction (single statements: reads, probes); `control` takes
    /// it from the small pool that requests do not use (heartbeats); `timeout` replaces `operationTimeout`.
    func perform<Value: Sendable>(
        control: Bool = false, timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let pool = control ? controlClient : client
        return try await bounded(timeout: timeout ?? operationTimeout) {
            try await pool.withConnection { connection in try await body(connection) }
        }
    }

    /// Delivers the payload of every notification on `channel` to `deliver` until `close()`; a lost connection is
    /// replaced after a second (notifications sent meanwhile are missed).
    func listen(channel: String, deliver: @escaping @Sendable (String) -> Void) -> Task<Void, Never> {
        Task { [controlClient, logger] in
            while !Task.isCancelled {
                do {
                    try await controlClient.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            for try await notification in notifications {
                                deliver(notification.payload)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning(
                        "lost the notification connection; reconnecting",
                        metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func migrate(_ migrations: [PostgresMigration]) async throws {
        let latest = migrations.last?.version ?? 0
        try await transaction { [logger] connection in
            try await connection.query("SELECT pg_advisory_xact_lock(72447011)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS gateway_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
                logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM gateway_schema", logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= latest else { throw StoreError.schemaTooNew(found: current, known: latest) }
            for migration in migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO gateway_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info(
                    "schema step applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    /// Runs `operation` for at most `timeout`; connection-level failures become `store_unavailable`.
    /// A late operation is cancelled and its answer dropped.
    private func bounded<Value: Sendable>(
        timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let answer = OneAnswer<Value>()
        return try await withCheckedThrowingContinuation { continuation in
            answer.install(continuation)
            let work = Task {
                do {
                    answer.give(.success(try await operation()))
                } catch {
                    answer.give(.failure(Self.classified(error)))
                }
            }
            let timer = Task {
                try? await TimerQueue.shared.sleep(for: timeout)
                if !Task.isCancelled,
                    answer.give(.failure(StoreError.unavailable("no answer within \(timeout.components.seconds) s")))
                {
                    work.cancel()
                }
            }
            answer.onGiven { timer.cancel() }
        }
    }

    /// Server-side SQL errors and the ledger's own refusals stay as they are; anything about reaching the server
    /// (refused, closed, timed out, pool shut down), and a server that answers that it cannot serve now (see
    /// `meansUnavailable`), is `store_unavailable`.
    private static func classified(_ error: any Error) -> any Error {
        switch error {
        case is LedgerError, is StoreError, is CancellationError: return error
        case let error as PSQLError where error.code == .server:
            guard let state = error.serverInfo?[.sqlState], meansUnavailable(sqlState: state) else { return error }
            return StoreError.unavailable("the database answered \(state): \(error.serverInfo?[.message] ?? "")")
        case let error as PSQLError: return StoreError.unavailable("\(error.code)")
        default: return StoreError.unavailable("\(error)")
        }
    }

    /// Whether a server error's SQLSTATE says the database cannot serve now, whatever the statement: a connection
    /// exception (class 08), insufficient resources (53: too many connections, disk full, out of memory) or
    /// operator intervention (57: shutting down, starting up, terminated by an administrator, statement
    /// cancelled). A server going down answers the statements in flight with 57P01 before it closes their
    /// connections.
    static func meansUnavailable(sqlState: String) -> Bool {
        ["08", "53", "57"].contains(String(sqlState.prefix(2)))
    }
}
#endif
