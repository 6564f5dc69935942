#if GATEWAY_POSTGRES
import Foundation
import PostgresNIO

/// `AdminStatistics` on the shared PostgreSQL database.
struct PostgresAdminStatistics: AdminStatistics {
    let database: PostgresGatewayDatabase

    func providerStatistics(since start: Date) async throws -> [ProviderStatistics] {
        let attempts = try await database.perform { [logger = database.logger] connection in
            var bindings = PostgresBindings()
            bindings.append(start.unixMilliseconds)
            let query = PostgresQuery(unsafeSQL: Self.attemptsQuery(startParameter: "$1"), binds: bindings)
            return try await connection.rows(query, logger: logger).map { row in
                ProviderStatistics.Attempt(
                    provider: try row.value(0), outcome: try row.value(1), durationMilliseconds: try row.value(2),
                    skipped: try row.value(3), followedByAnother: try row.value(4))
            }
        }
        return Self.grouped(attempts)
    }

    func latestUser(email: String) async throws -> UserKey? {
        try await database.perform { [logger = database.logger] connection in
            var bindings = PostgresBindings()
            bindings.append(email)
            let query = PostgresQuery(unsafeSQL: Self.latestUserQuery(emailParameter: "$1"), binds: bindings)
            return try await connection.firstRow(query, logger: logger).map { UserKey(storageKey: try $0.value(0)) }
        }
    }
}
#endif
