#if GATEWAY_POSTGRES
import Logging
import PostgresNIO

extension PostgresConnection {
    /// Every row of `query`, read in full.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// The first row of `query`, if any.
    func firstRow(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRandomAccessRow? {
        try await rows(query, logger: logger).first
    }
}

extension PostgresRandomAccessRow {
    /// The value of column `index` as `T` (an optional type reads NULL as nil).
    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}
#endif
