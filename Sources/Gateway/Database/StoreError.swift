/// The shared database could not be used: its address is malformed, it cannot be reached, or its schema is from
/// newer code. New jobs are refused (503) while it is unreachable; the gateway retries by itself.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidURL = "invalid_store_url"
        case unavailable = "store_unavailable"
        case schemaTooNew = "schema_too_new"
        case notBuiltIn = "store_not_built_in"
    }

    private let code: Code
    /// What went wrong and what to do.
    public let message: String

    /// A stable machine-readable reason, e.g. `store_unavailable`.
    public var reason: String { code.rawValue }

    public var description: String { "store error [\(reason)]: \(message)" }

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The `store:` setting is not a usable `postgres://` URL.
    public static func invalidURL(_ detail: String) -> StoreError {
        StoreError(
            .invalidURL,
            "\(detail); write the store as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]"
        )
    }

    /// The database did not answer in time or refused the connection.
    public static func unavailable(_ detail: String) -> StoreError {
        StoreError(.unavailable, "the shared database is unreachable (\(detail)); the gateway retries by itself")
    }

    /// The database's schema was written by a newer gateway.
    public static func schemaTooNew(found: Int, known: Int) -> StoreError {
        StoreError(
            .schemaTooNew,
            "the database schema is version \(found) but this gateway knows up to \(known); run a newer gateway")
    }

    /// This build was made without PostgreSQL (`GATEWAY_WITHOUT_POSTGRES`, which the fuzzing and sanitizer
    /// builds set).
    public static let postgresNotBuiltIn = StoreError(
        .notBuiltIn,
        "this gateway was built without PostgreSQL support (GATEWAY_WITHOUT_POSTGRES was set); build it without "
            + "that variable to use a postgres:// store")

    /// Whether this error says the database was unreachable (503, retry later).
    public var isUnavailable: Bool { code == .unavailable }
}
