import Foundation

#if GATEWAY_POSTGRES
import PostgresNIO
#endif

/// Where the shared PostgreSQL database is: parsed from a `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL
/// (the `store:` setting). `sslmode` is `disable`, `prefer` (the default) or `require`.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses a store URL; anything malformed is an `invalid_store_url` error naming the part at fault.
    public init(_ text: String) throws(StoreError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), ["postgres", "postgresql"].contains(scheme)
        else {
            throw .invalidURL("'\(Self.redacted(text))' is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("the store URL has no host") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("the store URL has no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidURL("the store URL names no database (…/DATABASE)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalidURL("the store URL's port \(port) is out of range") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw .invalidURL("the store URL's option '\(item.name)' is unknown (only sslmode is read)")
            }
            guard let value = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw .invalidURL("sslmode must be disable, prefer or require")
            }
            tls = value
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = database
        self.tls = tls
    }

    /// The URL without its password, for logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }

    #if GATEWAY_POSTGRES
    /// The configuration of a pool of at most `connections` connections to this address.
    func clientConfiguration(connections: Int) -> PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: mode)
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = connections
        return configuration
    }
    #endif

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "***"
    }
}
