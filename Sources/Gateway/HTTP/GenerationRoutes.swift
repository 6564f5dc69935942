import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/v1/generations`: submit a job (202), list one's recent jobs, read one, download its image, follow its events,
/// cancel it. A caller sees only their own jobs; another user's id answers 404.
struct GenerationRoutes: Sendable {
    let jobs: JobService
    let hub: JobEventHub
    /// Quiet time after which an event stream sends a `: heartbeat` comment.
    let heartbeat: Duration

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.post("generations", use: create)
        group.get("generations", use: list)
        group.get("generations/:id", use: show)
        group.get("generations/:id/image", use: image)
        group.get("generations/:id/events", use: events)
        group.delete("generations/:id", use: cancel)
    }

    @Sendable func create(_ request: Request, context: GatewayRequestContext) async throws -> EditedResponse<
        JobResource
    > {
        let (identity, access) = try context.caller()
        let key = try Self.idempotencyKey(request)
        let parameters = try await GenerationParameters.decode(request, context: context)
        let submission = try await jobs.submit(parameters, identity: identity, access: access, idempotencyKey: key)
        var headers: HTTPFields = [.location: "/v1/generations/\(submission.job.id.rawValue)"]
        if !submission.isNew { headers[.idempotentReplayed] = "true" }
        return EditedResponse(status: .accepted, headers: headers, response: JobResource(submission.job))
    }

    /// The caller's own most recent jobs, newest first (`limit`, 1 to 100, default 20).
    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> JobList {
        let (_, access) = try context.caller()
        var limit = 20
        if let text = request.uri.queryParameters.get("limit") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw GatewayError.invalidParameter("limit", "`limit` must be a whole number from 1 to 100")
            }
            limit = value
        }
        return JobList(data: try await jobs.store.jobs(user: access.user, limit: limit).map(JobResource.init))
    }

    @Sendable func show(_ request: Request, context: GatewayRequestContext) async throws -> JobResource {
        let (_, access) = try context.caller()
        return JobResource(try await jobs.job(try Self.id(context), user: access.user))
    }

    @Sendable func image(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let (_, access) = try context.caller()
        let id = try Self.id(context)
        let job = try await jobs.job(id, user: access.user)
        guard let (bytes, mediaType) = try await jobs.store.image(job.id, user: access.user) else {
            throw GatewayError.notFinished(
                job.status.isFinished
                    ? "generation \(id) ended \(job.status.rawValue) and has no image"
                    : "generation \(id) is still \(job.status.rawValue); follow its events or poll it")
        }
        return Response(
            status: .ok,
            headers: [.contentType: mediaType, .cacheControl: "private, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func events(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let (_, access) = try context.caller()
        let id = try Self.id(context)
        let known = try await jobs.job(id, user: access.user)
        let stream = hub.subscribe(known.id)
        let current = try await jobs.job(id, user: access.user)
        let heartbeat = heartbeat
        let trail = hub.trail(of: known.id)
        let body = ResponseBody { writer in
            for event in ServerSentEvent.catchUp(current, trail: trail) {
                try await writer.write(event.buffer)
            }
            if !current.status.isFinished {
                try await EventStreamItem.forEach(stream, heartbeat: heartbeat) { item in
                    switch item {
                    case .heartbeat:
                        try await writer.write(ServerSentEvent.heartbeat)
                        return true
                    case .event(let event):
                        try await writer.write(ServerSentEvent(event).buffer)
                        if case .finished = event { return false }
                        return true
                    }
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .xAccelBuffering: "no"],
            body: body)
    }

    @Sendable func cancel(_ request: Request, context: GatewayRequestContext) async throws -> JobResource {
        let (_, access) = try context.caller()
        return JobResource(try await jobs.cancel(try Self.id(context), user: access.user))
    }

    static func id(_ context: GatewayRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), (1...64).contains(id.utf8.count) else {
            throw GatewayError.notFound("no generation with this id")
        }
        return id
    }

    /// The `Idempotency-Key` header: 1 to 255 visible ASCII characters, or absent.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw GatewayError.invalidParameter(
                "Idempotency-Key", "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
                status: .badRequest)
        }
        return key
    }
}

extension HTTPField.Name {
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
