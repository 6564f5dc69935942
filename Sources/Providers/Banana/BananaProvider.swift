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
    private let remote: RemoteCall
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
        self.remote = RemoteCall(
            client: client, callTimeout: configuration.callTimeout, maxReplyBytes: configuration.maxReplyBytes,
            secrets: [configuration.apiKey])
        self.makeCallID = makeCallID
        self.unixTime = unixTime
    }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        let outputs: ProviderJSON
        switch configuration.style {
        case .v4(let baseURL):
            outputs = try await runV4(request, baseURL: baseURL, progress: progress)
        case .direct(let appURL, let route):
            outputs = try await runDirect(request, url: appURL + route)
        }
        return try Self.image(
            fromOutputs: outputs, request: request, imageField: configuration.inputs.imageOutput,
            maxImageBytes: configuration.maxImageBytes)
    }

    // MARK: v4 start/check

    private func runV4(_ request: GenerationRequest, baseURL: String, progress: ProgressHandler) async throws
        -> ProviderJSON
    {
        let id = makeCallID()
        let created = ProviderJSON.integer(unixTime())
        var start: [String: ProviderJSON] = [
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
        let check: ProviderJSON = .object([
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
    private func postV4(url: String, body: ProviderJSON) async throws -> ProviderJSON {
        let reply = try remote.object(from: try await remote.send("POST", url, body: body.encoded()), context: url)
        if let message = reply["message"]?.stringValue, message.lowercased().contains("error") {
            throw ProviderError.failed("provider reported: \(remote.redacted(message))")
        }
        return reply
    }

    // MARK: direct style

    private func runDirect(_ request: GenerationRequest, url: String) async throws -> ProviderJSON {
        var headers = [(name: "X-Banana-API-Key", value: configuration.apiKey)]
        if let modelKey = configuration.modelKey { headers.append((name: "X-Banana-Model-Key", value: modelKey)) }
        headers.append((name: "X-Banana-Request-Id", value: makeCallID()))
        let body = ProviderJSON.object(configuration.inputs.inputs(for: request)).encoded()
        var retry = 0
        while true {
            let response = try await remote.send("POST", url, headers: headers, body: body)
            guard response.status == 423 || response.status == 503 else {
                return try remote.object(from: response, context: url)
            }
            retry += 1
            guard let delay = configuration.retry.delay(beforeRetry: retry, retryAfter: remote.retryAfter(response))
            else {
                throw remote.failure(for: response)
            }
            try await Task.sleep(for: delay)
        }
    }
}
