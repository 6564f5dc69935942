import Foundation
import Hummingbird

/// An error meant for the API's caller: one HTTP status, a stable machine-readable `code`, a message that says
/// what to do, and optional details (the parameter, the quota window). Rendered as
/// `{"error": {"code": ..., "message": ..., "request_id": ...}}` by `ErrorResponseMiddleware`.
public struct GatewayError: HTTPResponseError, Sendable {
    private enum Code: String, Sendable {
        case invalidJSON = "invalid_json"
        case invalidParameter = "invalid_parameter"
        case missingToken = "missing_token"
        case invalidToken = "invalid_token"
        case blocked = "blocked"
        case addressBlocked = "address_blocked"
        case noTier = "no_tier"
        case notAdmin = "not_admin"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case idempotencyConflict = "idempotency_conflict"
        case notFinished = "job_not_finished"
        case bodyTooLarge = "body_too_large"
        case unsupportedMediaType = "unsupported_media_type"
        case quotaExceeded = "quota_exceeded"
        case rateLimited = "rate_limited"
        case noProviderAvailable = "no_provider_available"
        case notReady = "not_ready"
        case queueFull = "queue_full"
        case storageUnavailable = "storage_unavailable"
        case badRequest = "bad_request"
        case policyRejected = "policy_rejected"
        case timedOut = "timed_out"
        case internalError = "internal_error"
    }

    private let code: Code
    public let status: HTTPResponse.Status
    public let message: String
    /// Extra members of the error object (`param`, `window`, `reason`, ...).
    public let details: [String: String]
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public let headers: HTTPFields

    private init(
        _ code: Code, _ status: HTTPResponse.Status, _ message: String, details: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// The stable machine-readable code, e.g. `quota_exceeded`.
    public var reason: String { code.rawValue }

    /// The body is not JSON of the expected shape (400).
    public static func invalidJSON(_ message: String) -> Self { .init(.invalidJSON, .badRequest, message) }
    /// A parameter is missing, of the wrong type or out of range; `status` is 400 or 422.
    public static func invalidParameter(
        _ name: String, _ message: String, status: HTTPResponse.Status = .unprocessableContent
    )
        -> Self
    {
        .init(.invalidParameter, status, message, details: ["param": name])
    }
    /// An admin reload found the policy files invalid (422).
    public static func policyRejected(_ message: String) -> Self {
        .init(.policyRejected, .unprocessableContent, message)
    }
    /// Some other malformed request (400).
    public static func badRequest(_ message: String) -> Self { .init(.badRequest, .badRequest, message) }
    /// No `Authorization: Bearer` header (401).
    public static func missingToken() -> Self {
        .init(
            .missingToken, .unauthorized, "sign in and send the ID token as `Authorization: Bearer <token>`",
            headers: [.wwwAuthenticate: "Bearer"])
    }
    /// The token was refused by the verifier; `reason` is AuthKit's code, e.g. `expired` (401).
    public static func invalidToken(reason: String, _ message: String) -> Self {
        .init(
            .invalidToken, .unauthorized, message, details: ["reason": reason],
            headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\", error_description=\"\(reason)\""])
    }
    /// The identity is blocked by the policy (403).
    public static func blocked() -> Self {
        .init(.blocked, .forbidden, "this account is blocked from using the gateway; contact the operators")
    }
    /// The client address is refused by the network policy (403).
    public static func addressBlocked() -> Self {
        .init(.addressBlocked, .forbidden, "requests from this network address are not accepted")
    }
    /// The identity matches no tier rule (403).
    public static func noTier() -> Self {
        .init(.noTier, .forbidden, "no tier of the policy admits this account; ask the operators for access")
    }
    /// The admin API needs an admin identity (403).
    public static func notAdmin() -> Self {
        .init(.notAdmin, .forbidden, "the admin API is open only to the policy's admins")
    }
    /// Nothing here, or not yours (404).
    public static func notFound(_ message: String) -> Self { .init(.notFound, .notFound, message) }
    /// The route exists with other methods (405).
    public static func methodNotAllowed() -> Self {
        .init(.methodNotAllowed, .methodNotAllowed, "this method is not allowed on this path")
    }
    /// The idempotency key was used before with a different body (409).
    public static func idempotencyConflict(key: String) -> Self {
        .init(
            .idempotencyConflict, .conflict,
            "the Idempotency-Key '\(key)' was already used with a different request; use a new key for a new request")
    }
    /// The job has no image (yet) (409).
    public static func notFinished(_ message: String) -> Self { .init(.notFinished, .conflict, message) }
    /// The body exceeds the size cap (413).
    public static func bodyTooLarge(limit: Int) -> Self {
        .init(.bodyTooLarge, .contentTooLarge, "the request body is larger than \(limit) bytes")
    }
    /// The body is not JSON (415).
    public static func unsupportedMediaType() -> Self {
        .init(.unsupportedMediaType, .unsupportedMediaType, "send the body as `Content-Type: application/json`")
    }
    /// A quota window ran out (429), naming the window and its limit, with `Retry-After` when the window resets.
    public static func quotaExceeded(window: String, limit: Int64, retryAfter: Int?) -> Self {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let when = retryAfter.map { "; try again in \($0) s" } ?? "; try again when a running job ends"
        return .init(
            .quotaExceeded, .tooManyRequests, "your \(window) quota (\(limit)) is used up\(when)",
            details: ["window": window, "limit": String(limit)], headers: headers)
    }
    /// Too many requests from one client address (429).
    public static func rateLimited(window: String, retryAfter: Int) -> Self {
        .init(
            .rateLimited, .tooManyRequests, "too many requests from this address; try again in \(retryAfter) s",
            details: ["window": window], headers: [.retryAfter: String(retryAfter)])
    }
    /// No provider can take the job now (503).
    public static func noProviderAvailable(_ message: String, retryAfter: Int = 30) -> Self {
        .init(.noProviderAvailable, .serviceUnavailable, message, headers: [.retryAfter: String(retryAfter)])
    }
    /// This process already has as many jobs waiting as it may queue; nothing was reserved (503).
    public static func queueFull() -> Self {
        .init(
            .queueFull, .serviceUnavailable,
            "the gateway has too many jobs waiting; nothing was reserved or charged, try again shortly",
            headers: [.retryAfter: "10"])
    }
    /// The gateway is not ready (503).
    public static func notReady(_ message: String) -> Self { .init(.notReady, .serviceUnavailable, message) }
    /// The database refused a read or write (disk full, I/O error, busy past its timeout); nothing was admitted (503).
    public static func storageUnavailable() -> Self {
        .init(
            .storageUnavailable, .serviceUnavailable,
            "the gateway cannot reach its database right now; nothing was admitted or charged, try again shortly",
            headers: [.retryAfter: "5"])
    }
    /// The job did not finish in time for a synchronous answer (504).
    public static func timedOut(_ message: String) -> Self { .init(.timedOut, .gatewayTimeout, message) }
    /// Something failed inside the gateway; never used for what a client sent (500).
    public static func internalError() -> Self {
        .init(.internalError, .internalServerError, "the gateway failed; the request id identifies it in the logs")
    }

    /// The JSON response for this error, carrying the request id.
    public func response(requestID: String) -> Response {
        var object: [String: String] = details
        object["code"] = code.rawValue
        object["message"] = message
        object["request_id"] = requestID
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(["error": object])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: (context as? GatewayRequestContext)?.requestID ?? "")
    }
}
