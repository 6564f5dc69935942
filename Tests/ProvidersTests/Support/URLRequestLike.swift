import HTTPClient

/// A one-off HTTP call from a test through the project's HTTPClient.
struct URLRequestLike {
    var method = "POST"
    var url: String
    var headers: [(name: String, value: String)] = []
    var body: [UInt8]? = nil

    func send() async throws -> HTTPResponse {
        try await HTTPClient.shared.execute(
            HTTPRequest(method: method, url: url, headers: headers, body: body, deadline: .now + .seconds(10)))
    }
}
