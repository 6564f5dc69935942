/// Why an outbound HTTP request failed, with a stable code callers switch on.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case invalidURL = "invalid_url"
        case connectFailed = "connect_failed"
        case timedOut = "timed_out"
        case responseTooLarge = "response_too_large"
        case tls = "tls"
        case transport = "transport"
        case cancelled = "cancelled"
        case invalidRequest = "invalid_request"
        case shutDown = "shut_down"
    }

    private let code: Code
    /// Detail for logs (libcurl's message); never contains request headers or bodies.
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The URL could not be parsed or uses a scheme other than http(s).
    public static func invalidURL(_ detail: String) -> Self { .init(.invalidURL, detail) }
    /// The host could not be resolved or refused the connection.
    public static func connectFailed(_ detail: String) -> Self { .init(.connectFailed, detail) }
    /// The connect timeout or the request's deadline passed.
    public static func timedOut(_ detail: String) -> Self { .init(.timedOut, detail) }
    /// The response body exceeded the request's size cap.
    public static func responseTooLarge(_ detail: String) -> Self { .init(.responseTooLarge, detail) }
    /// TLS handshake or certificate verification failed.
    public static func tls(_ detail: String) -> Self { .init(.tls, detail) }
    /// Any other transport failure (connection reset, malformed response, ...).
    public static func transport(_ detail: String) -> Self { .init(.transport, detail) }
    /// The calling task was cancelled.
    public static func cancelled() -> Self { .init(.cancelled, "request cancelled") }
    /// The method or a header field is malformed (e.g. holds a line break); fix the request before retrying.
    public static func invalidRequest(_ detail: String) -> Self { .init(.invalidRequest, detail) }
    /// The client was shut down before or while the request ran; use a client that is still running.
    public static func shutDown() -> Self { .init(.shutDown, "HTTP client was shut down") }

    /// The stable machine-readable code, e.g. `timed_out`.
    public var reason: String { code.rawValue }

    public var description: String { "HTTP client error (\(code.rawValue)): \(detail)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
