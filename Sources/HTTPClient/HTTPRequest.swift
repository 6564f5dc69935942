/// One outbound HTTP request, with its own time and size limits.
public struct HTTPRequest: Sendable {
    /// HTTP method token, e.g. `GET` or `POST`.
    public var method: String
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields in order; names are case-insensitive on the wire.
    public var headers: [(name: String, value: String)]
    /// Bytes to send; `nil` sends no body (POST, PUT and PATCH then send an empty one).
    public var body: [UInt8]?
    /// When the whole exchange (connect, send, receive) must be over.
    public var deadline: ContinuousClock.Instant
    /// How long connecting (TCP and TLS) may take, within the deadline.
    public var connectTimeout: Duration
    /// Largest response body accepted; a longer one fails with `responseTooLarge`.
    public var maxResponseBytes: Int

    /// A request with a 30-second deadline, a 10-second connect timeout and a 16 MiB response cap by default.
    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, deadline: ContinuousClock.Instant = .now + .seconds(30),
        connectTimeout: Duration = .seconds(10), maxResponseBytes: Int = 16 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.deadline = deadline
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A complete HTTP response: status, header fields and the whole body.
public struct HTTPResponse: Sendable {
    /// The final response's status code; 4xx and 5xx come back here, not as errors.
    public var status: Int
    /// Header fields of the final response, in order, names as the server sent them.
    public var headers: [(name: String, value: String)]
    /// The whole body, at most the request's `maxResponseBytes`.
    public var body: [UInt8]

    /// A response as the client assembles it (also handy for test doubles of callers).
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
