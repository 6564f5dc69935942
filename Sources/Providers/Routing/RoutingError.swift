/// Why the router could not get an image from any provider in the chain.
public struct RoutingError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case noProviderAvailable = "no_provider_available"
        case providerNotAllowed = "provider_not_allowed"
        case unsupportedRequest = "unsupported_request"
    }

    private let code: Code
    public let message: String
    /// Every attempt made before giving up, in order.
    public let attempts: [AttemptReport]

    private init(_ code: Code, _ message: String, attempts: [AttemptReport] = []) {
        self.code = code
        self.message = message
        self.attempts = attempts
    }

    /// Every provider in the chain failed, was skipped or is busy: try again later.
    public static func noProviderAvailable(_ attempts: [AttemptReport]) -> Self {
        let tried = attempts.map { "\($0.provider): \($0.outcome)" }.joined(separator: "; ")
        return .init(.noProviderAvailable, "no provider could take the job (\(tried))", attempts: attempts)
    }
    /// The caller asked for a provider its tier does not allow.
    public static func providerNotAllowed(_ name: String, allowed: [String]) -> Self {
        .init(
            .providerNotAllowed,
            "provider '\(name)' is not available to you; choose one of: \(allowed.joined(separator: ", "))")
    }
    /// No provider in the chain can serve this size, step count or scheduler.
    public static func unsupportedRequest(_ message: String) -> Self { .init(.unsupportedRequest, message) }

    /// Stable machine-readable code, e.g. `no_provider_available`.
    public var reason: String { code.rawValue }

    /// Whether the request itself was at fault (a 4xx), rather than the providers (a 503).
    public var isCallerFault: Bool { code != .noProviderAvailable }

    public var description: String { "routing error (\(code.rawValue)): \(message)" }
}
