import Foundation
import NIOCore

/// One server-sent event of a job's stream: `queued`, `started`, `provider` (`{"provider":..}`), `waiting` (the
/// provider's cold start or queue), `progress` (`{"step":..,"total":..}`), `attempt_failed`
/// (`{"provider":..,"reason":..}`: the router moves on to the next provider, if any), and finally `done` or
/// `failed` carrying the job.
struct ServerSentEvent: Sendable {
    var name: String
    var data: String

    init(name: String, data: String) {
        self.name = name
        self.data = data
    }

    init(_ event: JobEvent) {
        switch event {
        case .queued: self.init(name: "queued", data: "{}")
        case .started: self.init(name: "started", data: "{}")
        case .attempting(let provider): self.init(name: "provider", data: Self.json(["provider": provider]))
        case .waiting: self.init(name: "waiting", data: "{}")
        case .attemptFailed(let provider, let reason):
            self.init(name: "attempt_failed", data: Self.json(["provider": provider, "reason": reason]))
        case .progress(let step, let total): self.init(name: "progress", data: "{\"step\":\(step),\"total\":\(total)}")
        case .finished(let job):
            self.init(name: job.status == .succeeded ? "done" : "failed", data: Self.json(JobResource(job)))
        }
    }

    /// The events that bring a new listener up to the job's present state; `trail` is what the running job has
    /// published here (`JobEventHub.trail(of:)`): its way through the providers so far, and its latest progress,
    /// which the stored job may not show yet.
    static func catchUp(_ job: Job, trail: JobEventHub.Trail = .init()) -> [ServerSentEvent] {
        var events = [ServerSentEvent(.queued)]
        if job.status == .queued { return events }
        if job.startedAt != nil { events.append(ServerSentEvent(.started)) }
        if !job.status.isFinished { events += trail.route.map(ServerSentEvent.init) }
        var progress = (step: job.progressStep, total: job.progressTotal)
        if !job.status.isFinished, let published = trail.progress, published.step > progress.step {
            progress = published
        }
        if progress.step > 0 {
            events.append(ServerSentEvent(.progress(step: progress.step, total: progress.total)))
        }
        if job.status.isFinished { events.append(ServerSentEvent(.finished(job))) }
        return events
    }

    /// A comment line that keeps an idle stream open; clients ignore it.
    static var heartbeat: ByteBuffer { ByteBuffer(string: ": heartbeat\n\n") }

    var buffer: ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(data)\n\n")
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
