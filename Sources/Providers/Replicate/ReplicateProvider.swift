import Foundation
import HTTPClient

/// Replicate predictions (`kind: replicate`): create a prediction (optionally with `Prefer: wait`), follow
/// its `urls.get` until `succeeded`, `failed` or `canceled`, then fetch the output image (an URL, fetched
/// size-capped and without our token, or a data URL). `metrics.predict_time` is the billed time; `urls.cancel`
/// stops it when the gateway gives up. Creating is never retried (it is not idempotent); reads are.
public final class ReplicateProvider: ImageProvider {
    public let name: String
    public let capabilities: ProviderCapabilities
    private let configuration: ReplicateConfiguration
    private let remote: RemoteCall

    public init(
        name: String, configuration: ReplicateConfiguration, capabilities: ProviderCapabilities,
        client: HTTPClient = .shared
    ) {
        self.name = name
        self.configuration = configuration
        self.capabilities = capabilities
        self.remote = RemoteCall(
            client: client, callTimeout: configuration.callTimeout, maxReplyBytes: configuration.maxReplyBytes,
            secrets: [configuration.apiToken])
    }

    private var baseURL: String {
        RemoteCall.base(configuration.baseURL)
    }

    private var authorization: [(name: String, value: String)] {
        [(name: "Authorization", value: "Bearer \(configuration.apiToken)")]
    }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        var body: [String: ProviderJSON] = ["input": .object(configuration.inputs.inputs(for: request))]
        let createURL: String
        switch configuration.target {
        case .version(let version):
            body["version"] = .string(version)
            createURL = "\(baseURL)/v1/predictions"
        case .model(let path):
            createURL = "\(baseURL)/v1/models/\(path)/predictions"
        }
        var headers = authorization
        if let wait = configuration.preferWaitSeconds { headers.append((name: "Prefer", value: "wait=\(wait)")) }
        var prediction = try remote.object(
            from: try await remote.send("POST", createURL, headers: headers, body: ProviderJSON.object(body).encoded()),
            context: "create prediction")
        guard let id = prediction["id"]?.stringValue, !id.isEmpty else {
            throw ProviderError.invalidReply("create prediction reply has no id")
        }
        let statusURL = sameOrigin(prediction["urls"]?["get"]?.stringValue) ?? "\(baseURL)/v1/predictions/\(id)"
        let cancelURL = sameOrigin(prediction["urls"]?["cancel"]?.stringValue) ?? "\(baseURL)/v1/predictions/\(id)/cancel"
        do {
            var interval = configuration.pollInterval
            while true {
                let paid = prediction["metrics"]?["predict_time"]?.doubleValue
                switch prediction["status"]?.stringValue {
                case "succeeded":
                    do {
                        var image = try await outputImage(prediction["output"], request: request)
                        image.executionSeconds = paid
                        return image
                    } catch let error as ProviderError {
                        throw error.withPaidSeconds(paid)
                    }
                case "starting":
                    progress(.queued)
                case "processing":
                    progress(.started)
                case "failed":
                    let reason = prediction["error"]?.stringValue ?? "no error given"
                    throw ProviderError.failed("Replicate prediction failed: \(remote.redacted(reason))", paidSeconds: paid)
                case "canceled":
                    throw ProviderError.failed("Replicate canceled the prediction", paidSeconds: paid)
                case let other:
                    throw ProviderError.invalidReply("unknown Replicate status '\(other ?? "none")'")
                }
                try await Task.sleep(for: interval)
                interval = min(interval * 2, configuration.maxPollInterval)
                prediction = try remote.object(from: try await get(statusURL, headers: authorization), context: "prediction")
            }
        } catch let error as ProviderError where error.reason != "timed_out" && error.reason != "unavailable" {
            throw error
        } catch {
            await cancel(cancelURL)
            throw error
        }
    }

    /// A read, retried with backoff on 429 and 5xx; a 404 means the prediction (or its data) is gone.
    private func get(_ url: String, headers: [(name: String, value: String)], maxBytes: Int? = nil) async throws
        -> HTTPResponse
    {
        var attempt = 0
        while true {
            let response = try await remote.send("GET", url, headers: headers, maxBytes: maxBytes)
            if response.status == 404 {
                throw ProviderError.failed("Replicate no longer has \(url): the prediction's data is gone")
            }
            let retryable = response.status == 429 || (500..<600).contains(response.status)
            attempt += 1
            guard retryable, attempt <= configuration.maxGetRetries else { return response }
            let backoff = RetryBackoff(
                maxRetries: configuration.maxGetRetries, initialDelay: configuration.pollInterval,
                maxDelay: configuration.maxPollInterval)
            try await Task.sleep(for: backoff.delay(beforeRetry: attempt, retryAfter: remote.retryAfter(response)) ?? .zero)
        }
    }

    /// The first output: a data URL decoded, or an URL fetched (capped, without our token).
    private func outputImage(_ output: ProviderJSON?, request: GenerationRequest) async throws -> GeneratedImage {
        let first = output?.arrayValue?.first ?? output
        guard let reference = first?.stringValue ?? first?[configuration.inputs.imageOutput]?.stringValue else {
            throw ProviderError.invalidReply("Replicate output has no image URL or data")
        }
        if reference.hasPrefix("data:") {
            return try ImageDecoding.image(
                base64: reference, request: request, maxBytes: configuration.maxImageBytes, field: "output")
        }
        guard reference.hasPrefix("https://") || reference.hasPrefix("http://") else {
            throw ProviderError.invalidReply("Replicate output is neither an URL nor a data URL")
        }
        let response = try await get(reference, headers: [], maxBytes: configuration.maxImageBytes)
        guard (200..<300).contains(response.status) else { throw remote.failure(for: response) }
        let mediaType = try ImageCheck.validate(
            response.body, width: request.width, height: request.height, maxBytes: configuration.maxImageBytes)
        return GeneratedImage(data: response.body, mediaType: mediaType, seed: request.seed)
    }

    /// Only URLs on the API's own origin get our token; anything else is replaced by the documented path.
    private func sameOrigin(_ url: String?) -> String? {
        guard let url, url.hasPrefix(baseURL + "/") else { return nil }
        return url
    }

    /// Asks Replicate to stop the prediction (best effort, sent even though the caller was cancelled).
    private func cancel(_ url: String) async {
        await remote.postRegardless(url, headers: authorization)
    }
}
