extension HTTPClient {
    /// Which HTTP versions a client may negotiate.
    public enum HTTPVersionPolicy: Sendable, Hashable {
        /// HTTP/1.1 only, over http and https.
        case http1Only
        /// HTTP/2 where the server offers it through ALPN on https; plain http stays HTTP/1.1.
        case http2OverTLS
        /// HTTP/2 on every connection, including plain http ("prior knowledge"); only for servers known to speak it.
        case http2PriorKnowledge
    }

    /// Settings shared by every request a client sends.
    ///
    /// libcurl also honours the usual proxy environment variables (`http_proxy`, `https_proxy`, `no_proxy`).
    public struct Configuration: Sendable {
        /// Most connections open at once to one host (0: no limit).
        public var maxConnectionsPerHost: Int
        /// Most connections open at once in all (0: no limit).
        public var maxConnectionsTotal: Int
        /// Most idle connections kept for reuse.
        public var maxIdleConnections: Int
        /// How long an idle connection may wait to be reused before it is closed.
        public var idleConnectionTimeout: Duration
        /// Keep connections open between requests and reuse them; off opens a fresh connection for each request.
        public var reuseConnections: Bool
        /// `User-Agent` sent unless a request sets its own.
        public var userAgent: String
        /// Verify the server's certificate chain and host name; turn off only for tests against self-signed servers.
        public var verifyTLS: Bool
        /// PEM file of trusted CA certificates instead of the system's bundle.
        public var caBundlePath: String?
        /// Which HTTP versions may be negotiated.
        public var httpVersion: HTTPVersionPolicy
        /// Follow 3xx redirects (at most `maxRedirects`); off by default, so a redirect comes back as the response.
        /// Custom headers other than `Authorization` are sent again to the redirect target, even on another host.
        public var followRedirects: Bool
        /// Most redirects followed for one request when `followRedirects` is on.
        public var maxRedirects: Int

        /// Defaults: 8 connections per host, 64 in all, HTTP/2 over TLS, TLS verified, redirects not followed.
        public init(
            maxConnectionsPerHost: Int = 8, maxConnectionsTotal: Int = 64, maxIdleConnections: Int = 32,
            idleConnectionTimeout: Duration = .seconds(60), reuseConnections: Bool = true,
            userAgent: String = "diffusion-gateway", verifyTLS: Bool = true, caBundlePath: String? = nil,
            httpVersion: HTTPVersionPolicy = .http2OverTLS, followRedirects: Bool = false, maxRedirects: Int = 5
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxConnectionsTotal = maxConnectionsTotal
            self.maxIdleConnections = maxIdleConnections
            self.idleConnectionTimeout = idleConnectionTimeout
            self.reuseConnections = reuseConnections
            self.userAgent = userAgent
            self.verifyTLS = verifyTLS
            self.caBundlePath = caBundlePath
            self.httpVersion = httpVersion
            self.followRedirects = followRedirects
            self.maxRedirects = maxRedirects
        }
    }
}
