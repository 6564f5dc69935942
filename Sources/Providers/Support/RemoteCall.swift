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

    func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws -> HTTPResponse {
        var fields = headers
        if body != nil { fields.append((name: "Content-Type", value: "application/json")) }
        let request = HTTPRequest(
            method: method, url: url, headers: fields, body: body, deadline: .now + callTimeout,
            maxResponseBytes: maxReplyBytes)
        do {
            return try await client.execute(request)
        } catch {
            throw Self.providerError(for: error)
        }
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
