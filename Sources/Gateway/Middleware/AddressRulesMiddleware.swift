import Foundation
import Hummingbird
import NIOCore

/// Second step: finds the real client address (believing `X-Forwarded-For` only from trusted proxies), refuses
/// addresses the network policy denies (403), and limits requests without a token per address (429).
struct AddressRulesMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let policies: any LivePolicy
    let limiter: AddressRateLimiter
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let network = policies.policy.network
        guard let peer = context.peerAddress.flatMap(Self.ipAddress) else {
            return try await next(request, context)
        }
        let client = network.clientAddress(remote: peer, forwardedFor: request.headers[values: .xForwardedFor])
        guard network.admits(client) else { throw GatewayError.addressBlocked() }
        var context = context
        context.clientAddress = client
        if request.headers[.authorization] == nil {
            let now = now()
            let limit = network.unauthenticatedRequestsPerMinute
            if let retryAfter = limiter.retryAfter(client, bucket: .unauthenticated, limit: limit, now: now) {
                throw GatewayError.rateLimited(
                    window: AddressRateLimiter.Bucket.unauthenticated.rawValue, retryAfter: retryAfter)
            }
            limiter.record(client, bucket: .unauthenticated, now: now)
        }
        return try await next(request, context)
    }

    static func ipAddress(_ socket: SocketAddress) -> IPAddress? {
        socket.ipAddress.flatMap { IPAddress($0) }
    }
}
