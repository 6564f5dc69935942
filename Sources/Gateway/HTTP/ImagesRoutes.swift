import Foundation
import Hummingbird

/// `POST /v1/images/generations`, compatible with OpenAI's images API so existing clients work unchanged:
/// `prompt`, `n` (1), `size` (`WxH`), `response_format` (`b64_json`). Runs a job and answers when it is done.
struct ImagesRoutes: Sendable {
    let jobs: JobService
    let timeout: Duration

    struct Body: Decodable {
        var prompt: String?
        var n: Int?
        var size: String?
        var responseFormat: String?
        var negativePrompt: String?
        var steps: Int?
        var seed: UInt64?

        enum CodingKeys: String, CodingKey {
            case prompt, n, size, steps, seed
            case responseFormat = "response_format"
            case negativePrompt = "negative_prompt"
        }
    }

    struct Answer: ResponseEncodable {
        struct Image: Codable {
            var b64JSON: String
            var revisedPrompt: String?
            enum CodingKeys: String, CodingKey {
                case b64JSON = "b64_json"
                case revisedPrompt = "revised_prompt"
            }
        }
        var created: Int64
        var data: [Image]
    }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("images/generations", use: generate)
    }

    @Sendable func generate(_ request: Request, context: GatewayRequestContext) async throws -> Answer {
        let (identity, access) = try context.caller()
        let key = try GenerationRoutes.idempotencyKey(request)
        let parameters = try GenerationParameters(
            imagesBody: try await jsonBody(request, context: context).readableBytesView)
        let submission = try await jobs.submit(parameters, identity: identity, access: access, idempotencyKey: key)
        let job = try await jobs.waitUntilFinished(submission.job, timeout: timeout)
        guard job.status.isFinished else {
            _ = try? await jobs.cancel(job.id.rawValue, user: access.user)
            throw GatewayError.timedOut("the image was not ready within \(timeout); it was cancelled")
        }
        guard job.status == .succeeded, let (bytes, _) = try await jobs.store.image(job.id, user: access.user) else {
            throw Self.error(for: job)
        }
        return Answer(
            created: Int64(job.createdAt.timeIntervalSince1970),
            data: [Answer.Image(b64JSON: Data(bytes).base64EncodedString(), revisedPrompt: nil)])
    }

    static func parameters(_ body: Body) throws(GatewayError) -> GenerationParameters {
        if let n = body.n, n != 1 {
            throw .invalidParameter("n", "`n` must be 1: this gateway makes one image per request")
        }
        if let format = body.responseFormat, format != "b64_json" {
            throw .invalidParameter("response_format", "`response_format` must be `b64_json`")
        }
        var width: Int?
        var height: Int?
        if let size = body.size {
            let parts = size.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
                throw .invalidParameter("size", "`size` must be `WIDTHxHEIGHT`, e.g. `512x512`")
            }
            (width, height) = (w, h)
        }
        return GenerationParameters(
            prompt: body.prompt, negativePrompt: body.negativePrompt, width: width, height: height,
            steps: body.steps, seed: body.seed)
    }

    /// The HTTP error for a job that ended without an image.
    static func error(for job: Job) -> GatewayError {
        let message = job.errorMessage ?? "the generation ended \(job.status.rawValue)"
        switch job.errorCode {
        case "provider_rejected", "unsupported_request", "provider_not_allowed":
            return .invalidParameter("prompt", message)
        default:
            return .noProviderAvailable(message)
        }
    }
}
