import HTTPClient

/// RunPod serverless (`kind: runpod`): `POST /v2/{endpoint}/run` (or `runsync`), then `GET .../status/{id}`
/// until a final status; `POST .../cancel/{id}` when the gateway gives up on the job. `executionTime` is the
/// billed time; `delayTime` (queue and cold start) sets the cold-start flag.
public final class RunPodProvider: ImageProvider {
    public let name: String
    public let capabilities: ProviderCapabilities
    private let configuration: RunPodConfiguration
    private let remote: RemoteCall

    public init(
        name: String, configuration: RunPodConfiguration, capabilities: ProviderCapabilities,
        client: HTTPClient = .shared
    ) {
        self.name = name
        self.configuration = configuration
        self.capabilities = capabilities
        self.remote = RemoteCall(
            client: client, callTimeout: configuration.callTimeout, maxReplyBytes: configuration.maxReplyBytes,
            secrets: [configuration.apiKey])
    }

    private var endpointURL: String {
        "\(RemoteCall.base(configuration.baseURL))/v2/\(configuration.endpointID)"
    }

    private var authorization: [(name: String, value: String)] {
        [(name: "Authorization", value: "Bearer \(configuration.apiKey)")]
    }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        let body = ProviderJSON.object([
            "input": .object(configuration.inputs.inputs(for: request)),
            "policy": .object([
                "executionTimeout": .integer(Self.milliseconds(configuration.executionTimeout)),
                "ttl": .integer(Self.milliseconds(configuration.timeToLive)),
            ]),
        ])
        let submit = configuration.useRunSync ? "runsync" : "run"
        var job = try remote.object(
            from: try await remote.send("POST", "\(endpointURL)/\(submit)", headers: authorization, body: body.encoded()),
            context: submit)
        guard let id = job["id"]?.stringValue, !id.isEmpty else {
            throw ProviderError.invalidReply("\(submit) reply has no job id")
        }
        do {
            var interval = configuration.pollInterval
            while true {
                switch job["status"]?.stringValue {
                case "COMPLETED":
                    return try image(from: job, request: request)
                case "IN_QUEUE":
                    progress(.queued)
                case "IN_PROGRESS":
                    progress(.started)
                case "FAILED":
                    throw ProviderError.failed(
                        "RunPod job failed: \(remote.redacted(job["error"]?.stringValue ?? "no error given"))",
                        paidSeconds: paidSeconds(job))
                case "TIMED_OUT":
                    throw ProviderError.timedOut("RunPod stopped the job at its execution timeout", paidSeconds: paidSeconds(job))
                case "CANCELLED":
                    throw ProviderError.failed("RunPod cancelled the job", paidSeconds: paidSeconds(job))
                case let other:
                    throw ProviderError.invalidReply("unknown RunPod status '\(other ?? "none")'")
                }
                try await Task.sleep(for: interval)
                interval = min(interval * 2, configuration.maxPollInterval)
                let response = try await remote.send("GET", "\(endpointURL)/status/\(id)", headers: authorization)
                if response.status == 404 {
                    throw ProviderError.failed("RunPod no longer knows job \(id): its result is lost (retention passed)")
                }
                job = try remote.object(from: response, context: "status")
            }
        } catch let error as ProviderError {
            if error.reason == "timed_out" || error.reason == "unavailable" { await cancel(id) }
            throw error
        } catch {
            await cancel(id)
            throw error
        }
    }

    /// Asks RunPod to stop the job (best effort: the gateway is giving up on it either way).
    private func cancel(_ id: String) async {
        await remote.postRegardless("\(endpointURL)/cancel/\(id)", headers: authorization)
    }

    private func image(from job: ProviderJSON, request: GenerationRequest) throws -> GeneratedImage {
        let output = job["output"]
        let first = output?.arrayValue?.first ?? output
        let key = configuration.inputs.imageOutput
        guard let encoded = first?[key]?.stringValue ?? first?.stringValue else {
            throw ProviderError.invalidReply("RunPod output has no string '\(key)'", paidSeconds: paidSeconds(job))
        }
        var image: GeneratedImage
        do {
            image = try ImageDecoding.image(
                base64: encoded, request: request, maxBytes: configuration.maxImageBytes, field: key)
        } catch let error as ProviderError {
            throw error.withPaidSeconds(paidSeconds(job))
        }
        image.executionSeconds = paidSeconds(job)
        if let delay = job["delayTime"]?.doubleValue {
            image.coldStart = delay >= Double(Self.milliseconds(configuration.coldStartThreshold))
        }
        return image
    }

    private func paidSeconds(_ job: ProviderJSON) -> Double? {
        job["executionTime"]?.doubleValue.map { $0 / 1000 }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
