import Foundation
import HTTPClient

/// A self-hosted AUTOMATIC1111 / Forge web UI (`kind: a1111`): `POST /sdapi/v1/txt2img` with the web UI's
/// field names; `GET /sdapi/v1/progress` while it runs for step progress; `POST /sdapi/v1/interrupt` when the
/// gateway cancels. The web UI runs one job at a time, so its progress is that of whatever it is running.
public final class A1111Provider: ImageProvider {
    public let name: String
    public let capabilities: ProviderCapabilities
    private let configuration: A1111Configuration
    private let remote: RemoteCall

    public init(
        name: String, configuration: A1111Configuration, capabilities: ProviderCapabilities,
        client: HTTPClient = .shared
    ) {
        self.name = name
        self.configuration = configuration
        var limited = capabilities
        limited.schedulers = limited.schedulers.isEmpty
            ? Set(A1111Configuration.samplers.keys) : limited.schedulers.intersection(A1111Configuration.samplers.keys)
        self.capabilities = limited
        self.remote = RemoteCall(
            client: client, callTimeout: configuration.callTimeout, maxReplyBytes: configuration.maxReplyBytes,
            secrets: [configuration.password ?? ""])
    }

    private var baseURL: String {
        RemoteCall.base(configuration.baseURL)
    }

    private var authorization: [(name: String, value: String)] {
        guard let username = configuration.username else { return [] }
        let credentials = Data("\(username):\(configuration.password ?? "")".utf8).base64EncodedString()
        return [(name: "Authorization", value: "Basic \(credentials)")]
    }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        var body: [String: ProviderJSON] = [
            "prompt": .string(request.prompt), "negative_prompt": .string(request.negativePrompt),
            "steps": .integer(Int64(request.steps)), "cfg_scale": .number(request.guidance),
            "width": .integer(Int64(request.width)), "height": .integer(Int64(request.height)),
            "seed": .integer(Int64(clamping: request.seed)), "batch_size": .integer(1), "n_iter": .integer(1),
        ]
        if let scheduler = request.scheduler {
            guard let sampler = A1111Configuration.samplers[scheduler] else {
                throw ProviderError.rejected("the web UI has no sampler for scheduler '\(scheduler)'")
            }
            body["sampler_name"] = .string(sampler)
        }
        let payload = ProviderJSON.object(body).encoded()
        do {
            let reply = try await withThrowingTaskGroup(of: ProviderJSON?.self) { group in
                group.addTask {
                    try self.remote.object(
                        from: try await self.remote.send(
                            "POST", "\(self.baseURL)/sdapi/v1/txt2img", headers: self.authorization, body: payload),
                        context: "txt2img")
                }
                group.addTask {
                    await self.followProgress(total: request.steps, progress: progress)
                    return nil
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let reply = next { return reply }
                }
                throw CancellationError()
            }
            guard let encoded = reply["images"]?.arrayValue?.first?.stringValue else {
                throw ProviderError.invalidReply("txt2img reply has no images[0]")
            }
            return try ImageDecoding.image(
                base64: encoded, request: request, maxBytes: configuration.maxImageBytes, field: "images[0]")
        } catch is CancellationError {
            await interrupt()
            throw CancellationError()
        } catch let error as ProviderError where error.reason == "timed_out" {
            await interrupt()
            throw error
        }
    }

    /// Reports the web UI's sampling steps until cancelled; a failed read is skipped, not fatal.
    private func followProgress(total: Int, progress: ProgressHandler) async {
        var lastStep = 0
        var started = false
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.progressInterval)
            guard let response = try? await remote.send("GET", "\(baseURL)/sdapi/v1/progress", headers: authorization),
                let reply = try? remote.object(from: response, context: "progress"), let state = reply["state"]
            else { continue }
            let step = state["sampling_step"]?.doubleValue.map { Int($0) } ?? 0
            let steps = state["sampling_steps"]?.doubleValue.map { Int($0) } ?? total
            let jobs = state["job_count"]?.doubleValue ?? 0
            if !started, jobs > 0 || step > 0 {
                started = true
                progress(.started)
            }
            if step > lastStep, steps > 0 {
                lastStep = step
                progress(.step(min(step, steps), of: steps))
            }
        }
    }

    /// Stops the web UI's current job (best effort, sent even though the caller was cancelled).
    private func interrupt() async {
        await remote.postRegardless("\(baseURL)/sdapi/v1/interrupt", headers: authorization)
    }
}
