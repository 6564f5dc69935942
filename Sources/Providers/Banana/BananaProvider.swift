import Foundation
import HTTPClient

/// The banana-style remote serverless GPU provider (`kind: banana`): a container with the model that boots
/// on demand. Speaks the v4 `start`/`check` protocol or the later direct-call style.
///
/// The API key is sent only in request bodies or headers; it is redacted from every error detail.
public final class BananaProvider: ImageProvider {
    public let name: String
    public let capabilities: ProviderCapabilities
    private let configuration: BananaConfiguration
    private let client: HTTPClient
    private let makeCallID: @Sendable () -> String
    private let unixTime: @Sendable () -> Int64

    public init(
        name: String, configuration: BananaConfiguration, capabilities: ProviderCapabilities,
        client: HTTPClient = .shared, makeCallID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        unixTime: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.name = name
        self.configuration = configuration
        self.capabilities = capabilities
        self.client = client
        self.makeCallID = makeCallID
        self.unixTime = unixTime
    }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        let outputs: JSONValue
        switch configuration.style {
        case .v4(let baseURL):
            outputs = try await runV4(request, baseURL: baseURL, progress: progress)
        case .direct(let appURL, let route):
            outputs = try await runDirect(request, url: appURL + route)
        }
        let image = try decodeImage(from: outputs, request: request)
        return image
    }

    // MARK: v4 start/check

    private func runV4(_ request: GenerationRequest, baseURL: String, progress: ProgressHandler) async throws
        -> JSONValue
    {
        let id = makeCallID()
        let created = JSONValue.integer(unixTime())
        var start: [String: JSONValue] = [
            "id": .string(id), "created": created, "apiKey": .string(configuration.apiKey),
            "modelInputs": .object(configuration.inputs.inputs(for: request)),
            "startOnly": .bool(configuration.startOnly),
        ]
        if let modelKey = configuration.modelKey { start["modelKey"] = .string(modelKey) }
        let started = try await postV4(url: baseURL + "/start/v4/", body: .object(start))
        progress(.started)
        if started["finished"]?.boolValue == true, let outputs = started["modelOutputs"] {
            return outputs
        }
        guard let callID = started["callID"]?.stringValue, !callID.isEmpty else {
            throw ProviderError.invalidReply("start/v4 reply has neither finished outputs nor a callID")
        }
        let check: JSONValue = .object([
            "id": .string(id), "created": created, "longPoll": .bool(true), "callID": .string(callID),
            "apiKey": .string(configuration.apiKey),
        ])
        for _ in 0..<configuration.maxChecks {
            let reply = try await postV4(url: baseURL + "/check/v4/", body: check)
            if reply["message"]?.stringValue?.lowercased() == "success" {
                guard let outputs = reply["modelOutputs"] else {
                    throw ProviderError.invalidReply("check/v4 says success but has no modelOutputs")
                }
                return outputs
            }
        }
        throw ProviderError.timedOut("no result after \(configuration.maxChecks) check/v4 calls")
    }

    /// One v4 call: a 200 with a JSON object whose `message` does not report an error.
    private func postV4(url: String, body: JSONValue) async throws -> JSONValue {
        let response = try await send(url: url, body: body.encoded(), headers: [])
        guard (200..<300).contains(response.status) else { throw failure(for: response) }
        guard let reply = JSONValue.parse(response.body), case .object = reply else {
            throw ProviderError.invalidReply("reply from \(url) is not a JSON object: \(excerpt(response.body))")
        }
        if let message = reply["message"]?.stringValue, message.lowercased().contains("error") {
            throw ProviderError.failed("provider reported: \(redacted(message))")
        }
        return reply
    }

    // MARK: direct style

    private func runDirect(_ request: GenerationRequest, url: String) async throws -> JSONValue {
        var headers = [(name: "X-Banana-API-Key", value: configuration.apiKey)]
        if let modelKey = configuration.modelKey { headers.append((name: "X-Banana-Model-Key", value: modelKey)) }
        headers.append((name: "X-Banana-Request-Id", value: makeCallID()))
        let body = JSONValue.object(configuration.inputs.inputs(for: request)).encoded()
        var retry = 0
        while true {
            let response = try await send(url: url, body: body, headers: headers)
            if (200..<300).contains(response.status) {
                guard let reply = JSONValue.parse(response.body), case .object = reply else {
                    throw ProviderError.invalidReply("reply is not a JSON object: \(excerpt(response.body))")
                }
                return reply
            }
            guard response.status == 423 || response.status == 503 else { throw failure(for: response) }
            retry += 1
            guard let delay = configuration.retry.delay(beforeRetry: retry, retryAfter: retryAfter(response)) else {
                throw failure(for: response)
            }
            try await Task.sleep(for: delay)
        }
    }

    // MARK: shared

    private func send(url: String, body: [UInt8], headers: [(name: String, value: String)]) async throws
        -> HTTPResponse
    {
        let request = HTTPRequest(
            method: "POST", url: url, headers: [(name: "Content-Type", value: "application/json")] + headers,
            body: body, deadline: .now + configuration.callTimeout, maxResponseBytes: configuration.maxReplyBytes)
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

    /// Maps a non-2xx answer: the caller's fault for 400 and 422, busy for 423 and 429, otherwise unavailable.
    private func failure(for response: HTTPResponse) -> ProviderError {
        let detail = "HTTP \(response.status): \(excerpt(response.body))"
        switch response.status {
        case 400, 422: return .rejected(detail)
        case 423, 429: return .busy(detail, retryAfter: retryAfter(response))
        default: return .unavailable(detail)
        }
    }

    private func retryAfter(_ response: HTTPResponse) -> Duration? {
        response.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds($0) }
    }

    private func decodeImage(from outputs: JSONValue, request: GenerationRequest) throws -> GeneratedImage {
        let first = outputs.arrayValue?.first ?? outputs
        let key = configuration.inputs.imageOutput
        guard let encoded = first[key]?.stringValue else {
            throw ProviderError.invalidReply("model output has no string '\(key)'")
        }
        let base64 = encoded.hasPrefix("data:") ? String(encoded.drop { $0 != "," }.dropFirst()) : encoded
        guard base64.utf8.count <= (configuration.maxImageBytes / 3 + 1) * 4 + 4,
            let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters)
        else {
            throw ProviderError.invalidReply("'\(key)' is not base64 within the \(configuration.maxImageBytes)-byte cap")
        }
        let bytes = [UInt8](data)
        let mediaType = try ImageCheck.validate(
            bytes, width: request.width, height: request.height, maxBytes: configuration.maxImageBytes)
        return GeneratedImage(data: bytes, mediaType: mediaType, seed: request.seed)
    }

    /// A short, secret-free quote of a reply for ops' logs.
    private func excerpt(_ body: [UInt8]) -> String {
        redacted(String(decoding: body.prefix(300), as: UTF8.self))
    }

    private func redacted(_ text: String) -> String {
        configuration.apiKey.isEmpty ? text : text.replacingOccurrences(of: configuration.apiKey, with: "[redacted]")
    }
}
