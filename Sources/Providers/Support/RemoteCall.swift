import Foundation
import HTTPClient

/// Shared plumbing of the remote adapters: one HTTP call with the provider's limits, transport failures and
/// non-2xx answers classified for the router, and secrets redacted from everything kept for ops.
struct RemoteCall: Sendable {
    let client: HTTPClient
    /// Limit for each single HTTP call.
    let callTimeout: Duration
    let maxReplyBytes: Int
    /// Strings that must never appear in an error detail (API keys, passwords).
    let secrets: [String]

    /// A base URL without its trailing slash, so paths can be appended with one.
    static func base(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// One call; `maxBytes` overrides the reply cap (e.g. for a fetched image).
    func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        maxBytes: Int? = nil
    ) async throws -> HTTPResponse {
        var fields = headers
        if body != nil { fields.append((name: "Content-Type", value: "application/json")) }
        let request = HTTPRequest(
            method: method, url: url, headers: fields, body: body, deadline: .now + callTimeout,
            maxResponseBytes: maxBytes ?? maxReplyBytes)
        do {
            return try await client.execute(request)
        } catch {
            throw Self.providerError(for: error)
        }
    }

    /// A best-effort empty POST (a provider's cancel or interrupt call), sent even when the calling task is
    /// cancelled: the gateway is giving up on the job either way, so the answer does not matter.
    func postRegardless(_ url: String, headers: [(name: String, value: String)]) async {
        let client = client
        let request = HTTPRequest(
            method: "POST", url: url, headers: headers, body: [], deadline: .now + .seconds(5))
        _ = await Task.detached { try? await client.execute(request) }.value
    }

    /// Maps a transport failure to the router's classification.
    static func providerError(for error: HTTPClientError) -> any Error {
        switch error.reason {
        case "cancelled": CancellationError()
        case "timed_out": ProviderError.timedOut("call timed out: \(error.detail)")
        case "response_too_large": ProviderError.invalidReply("reply too large: \(error.detail)")
        default: ProviderError.unavailable("\(error.reason): \(error.detail)")
        }
    }

    /// A JSON object from a 2xx answer, or the classified failure.
    func object(from response: HTTPResponse, context: String) throws -> ProviderJSON {
        guard (200..<300).contains(response.status) else { throw failure(for: response) }
        guard let reply = ProviderJSON.parse(response.body), case .object = reply else {
            throw ProviderError.invalidReply("\(context) reply is not a JSON object: \(excerpt(response.body))")
        }
        return reply
    }

    /// Non-2xx answers: 400/422 are the caller's fault, 408/423/429 mean busy, the rest unavailable.
    func failure(for response: HTTPResponse) -> ProviderError {
        let detail = "HTTP \(response.status): \(excerpt(response.body))"
        switch response.status {
        case 400, 422: return .rejected(detail)
        case 408, 423, 429: return .busy(detail, retryAfter: retryAfter(response))
        default: return .unavailable(detail)
        }
    }

    func retryAfter(_ response: HTTPResponse) -> Duration? {
        response.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds($0) }
    }

    /// A short, secret-free quote of a reply for ops' logs.
    func excerpt(_ body: [UInt8]) -> String {
        redacted(String(decoding: body.prefix(300), as: UTF8.self))
    }

    func redacted(_ text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
