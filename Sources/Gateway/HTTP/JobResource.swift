import Foundation
import Hummingbird

/// A job as the API shows it: status, progress, provider, timings, cost, error, and links to follow.
struct JobResource: ResponseEncodable {
    struct Progress: Codable { var step: Int; var total: Int }
    struct Timings: Codable {
        var queuedMs: Int64?
        var runningMs: Int64?
        enum CodingKeys: String, CodingKey {
            case queuedMs = "queued_ms"
            case runningMs = "running_ms"
        }
    }
    struct ErrorInfo: Codable { var code: String; var message: String }
    struct Parameters: Codable {
        var prompt: String
        var negativePrompt: String
        var width: Int
        var height: Int
        var steps: Int
        var guidance: Double
        var seed: UInt64
        var scheduler: String?
        var provider: String?
        enum CodingKeys: String, CodingKey {
            case prompt, width, height, steps, guidance, seed, scheduler, provider
            case negativePrompt = "negative_prompt"
        }
    }
    struct Links: Codable {
        var `self`: String
        var events: String
        var image: String?
    }

    var id: String
    var object = "generation"
    var status: String
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var progress: Progress
    var provider: String?
    var costUSD: String
    var costMicros: Int64
    var timings: Timings
    var error: ErrorInfo?
    var parameters: Parameters
    var links: Links

    enum CodingKeys: String, CodingKey {
        case id, object, status, progress, provider, timings, error, parameters, links
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case costUSD = "cost_usd"
        case costMicros = "cost_micros"
    }

    init(_ job: Job) {
        id = job.id.rawValue
        status = job.status.rawValue
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        progress = Progress(step: job.progressStep, total: job.progressTotal)
        provider = job.provider
        costUSD = MicroDollars.format(job.costMicros)
        costMicros = job.costMicros
        let queuedUntil = job.startedAt ?? job.finishedAt
        timings = Timings(
            queuedMs: queuedUntil.map { $0.unixMilliseconds - job.createdAt.unixMilliseconds },
            runningMs: job.startedAt.flatMap { start in
                job.finishedAt.map { $0.unixMilliseconds - start.unixMilliseconds }
            })
        error = job.errorCode.map { ErrorInfo(code: $0, message: job.errorMessage ?? $0) }
        let request = job.request
        parameters = Parameters(
            prompt: request.prompt, negativePrompt: request.negativePrompt, width: request.width,
            height: request.height, steps: request.steps, guidance: request.guidance, seed: request.seed,
            scheduler: request.scheduler, provider: job.providerHint)
        let base = "/v1/generations/\(job.id.rawValue)"
        links = Links(self: base, events: base + "/events", image: job.hasImage ? base + "/image" : nil)
    }
}
