import AuthKit
import Foundation
import Hummingbird

/// Third step: when a Bearer token comes with the request, verifies it (through AuthKit) and puts the identity
/// in the context; a refused token is a 401 with AuthKit's reason. A request without a token passes through
/// with no identity: `RequireIdentityMiddleware` decides whether that is enough. Refused tokens count against
/// the client address's failed sign-in limit.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let authenticator: BearerAuthenticator
    let policies: any LivePolicy
    let limiter: AddressRateLimiter
    let metrics: GatewayMetrics
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let policy = policies.policy
        let limit = policy.network.failedAuthPerMinute
        if let client = context.clientAddress,
            let retryAfter = limiter.retryAfter(client, bucket: .failedAuth, limit: limit, now: now())
        {
            throw GatewayError.rateLimited(
                window: AddressRateLimiter.Bucket.failedAuth.rawValue, retryAfter: retryAfter)
        }
        var context = context
        do {
            context.identity = try await authenticator.authenticate(authorization: header, auth: policy.auth)
        } catch {
            metrics.recordAuthFailure(reason: error.reason)
            if let client = context.clientAddress { limiter.record(client, bucket: .failedAuth, now: now()) }
            context.logger.info(
                "token refused",
                metadata: [
                    "request_id": "\(context.requestID)", "reason": "\(error.reason)", "detail": "\(error.detail)",
                ])
            throw GatewayError.invalidToken(
                reason: error.reason, "the ID token was refused (\(error.reason)); sign in again")
        }
        return try await next(request, context)
    }
}
