import Foundation
import HTTPTypes
import Hummingbird

/// First step of every request: gives it an id (a sane client `X-Request-Id` is kept, otherwise a new one),
/// puts it in the response (and in the gateway's own log lines), and applies the body cap to the context. The id is
/// not set as logger metadata: the stream log handler re-renders its metadata on every change, a cost paid per request.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let maxBodyBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.requestID = Self.acceptable(request.headers[.xRequestID]) ?? Self.newID()
        context.maxUploadSize = maxBodyBytes
        var response = try await next(request, context)
        response.headers[.xRequestID] = context.requestID
        return response
    }

    /// A client id is kept when it is short and plain (letters, digits, `-`, `_`, `.`).
    static func acceptable(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            })
        else { return nil }
        return value
    }

    static func newID() -> String {
        UUID().uuidString.lowercased()
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
