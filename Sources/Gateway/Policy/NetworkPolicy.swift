/// Rules about where requests may come from (`network:`): address blocks, trusted proxies, per-IP rates.
public struct NetworkPolicy: Sendable, Hashable {
    /// When not empty, only clients in one of these blocks are served.
    public var allow: [CIDR]
    /// Clients in any of these blocks are refused, even when `allow` also lists them.
    public var deny: [CIDR]
    /// Proxies whose `X-Forwarded-For` entries are believed (see `clientIP(remote:forwardedFor:trustedProxies:)`).
    public var trustedProxies: [CIDR]
    /// Requests per minute one client address may make without a valid token; `nil` is unlimited.
    public var unauthenticatedRequestsPerMinute: Int?
    /// Failed sign-ins (rejected tokens) per minute one client address may make; `nil` is unlimited.
    public var failedAuthPerMinute: Int?
    /// Sites (`https://you.github.io`) that may show the generation page in an iframe (`/embed`).
    public var embedOrigins: [EmbedOrigin]

    public init(
        allow: [CIDR] = [], deny: [CIDR] = [], trustedProxies: [CIDR] = [],
        unauthenticatedRequestsPerMinute: Int? = nil, failedAuthPerMinute: Int? = nil, embedOrigins: [EmbedOrigin] = []
    ) {
        self.allow = allow
        self.deny = deny
        self.trustedProxies = trustedProxies
        self.unauthenticatedRequestsPerMinute = unauthenticatedRequestsPerMinute
        self.failedAuthPerMinute = failedAuthPerMinute
        self.embedOrigins = embedOrigins
    }

    /// Whether a client address may be served: refused when in `deny`, or when `allow` is set and lacks it.
    public func admits(_ address: IPAddress) -> Bool {
        if deny.contains(where: { $0.contains(address) }) { return false }
        return allow.isEmpty || allow.contains(where: { $0.contains(address) })
    }

    /// The real client address of a request, believing `X-Forwarded-For` only from `trustedProxies`.
    public func clientAddress(remote: IPAddress, forwardedFor: [String]) -> IPAddress {
        clientIP(remote: remote, forwardedFor: forwardedFor, trustedProxies: trustedProxies)
    }
}
