import HTTPClient

/// Fetches an issuer's key set over HTTP(S) (Google: `https://www.googleapis.com/oauth2/v3/certs`), taking its
/// freshness from `Cache-Control: max-age` minus `Age`.
public struct HTTPKeySetSource: KeySetSource {
    /// The key set's URL.
    public let url: String
    private let client: HTTPClient
    private let timeout: Duration
    private let maxBytes: Int

    /// A source reading `url` with `client`, each fetch bounded by `timeout` and `maxBytes` of body.
    public init(url: String, client: HTTPClient = .shared, timeout: Duration = .seconds(10), maxBytes: Int = 256 * 1024)
    {
        self.url = url
        self.client = client
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// GETs the document; throws `HTTPClientError` on transport failures and `KeySetError` on a non-200 answer.
    public func fetch() async throws -> KeySetDocument {
        let request = HTTPRequest(
            url: url, headers: [(name: "Accept", value: "application/json")], deadline: .now + timeout,
            connectTimeout: min(timeout, .seconds(5)), maxResponseBytes: maxBytes)
        let response = try await client.execute(request)
        guard response.status == 200 else {
            throw KeySetError("key set endpoint \(url) answered HTTP \(response.status)")
        }
        let maxAge = KeySetDocument.freshness(
            cacheControl: response.header("Cache-Control"), age: response.header("Age"))
        return KeySetDocument(body: response.body, maxAge: maxAge)
    }
}
