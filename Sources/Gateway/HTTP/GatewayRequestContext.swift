import Foundation
import AuthKit
import Hummingbird
import NIOCore

/// Per-request state, a value copied along the middleware chain: the request id, the real client address,
/// and, once the gates have passed, who is calling and what the policy grants them.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer, before any `X-Forwarded-For` is considered.
    public let peerAddress: SocketAddress?
    /// The id logged with the request and returned in `X-Request-Id` and in error bodies.
    public var requestID = ""
    /// The client address after the trusted-proxy rules (set by `AddressRulesMiddleware`).
    public var clientAddress: IPAddress?
    /// The verified identity, when a valid Bearer token came with the request (set by `AuthenticationMiddleware`).
    public var identity: Identity?
    /// What the policy grants the identity (set by `PolicyMiddleware`).
    public var access: Access?
    /// Body cap applied when decoding, from the configuration (set by `RequestIDMiddleware`).
    public var maxUploadSize = 64 * 1024

    /// One encoder for every response (ISO 8601 dates, as Hummingbird's default), instead of a new one per request.
    public var responseEncoder: JSONEncoder { Self.sharedResponseEncoder }

    private static let sharedResponseEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress
    }

    /// The signed-in caller and their grant; the gates guarantee both on routes that need them.
    func caller() throws -> (Identity, Access) {
        guard let identity else { throw GatewayError.missingToken() }
        guard let access else { throw GatewayError.noTier() }
        return (identity, access)
    }
}
