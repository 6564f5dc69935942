import Foundation
import HTTPTypes
import Hummingbird
import Providers

/// The worker's protocol handlers: parse and authenticate a call, hand the job to the queue, answer.
struct WorkerHandlers: Sendable {
    let queue: WorkerQueue
    let configuration: WorkerConfiguration

    func status() -> Response {
        json(
            .ok,
            .object([
                "status": .string("ok"), "queued": .integer(Int64(queue.unfinishedCount)),
                "capacity": .integer(Int64(queue.capacityLimit)),
            ]))
    }

    /// v4 `start`: admits the job under the caller's call id, then answers at once (`startOnly`) or after
    /// waiting up to the long-poll window for the result.
    func startV4(_ request: Request) async throws -> Response {
        let body = try await readObject(request)
        guard body["apiKey"]?.stringValue.map(isValidKey) == true else { return unauthorized() }
        guard let inputs = body["modelInputs"] else { return badRequest("modelInputs is required") }
        let generation: GenerationRequest
        do {
            generation = try WorkerInputs.request(from: inputs, mapping: configuration.inputs)
        } catch let error as WorkerInputs.InvalidInputs {
            return badRequest(error.message)
        }
        let callID = body["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased()
        let job: WorkerJob
        switch queue.submit(id: callID, request: generation) {
        case .accepted(let accepted), .existing(let accepted): job = accepted
        case .busy: return busy()
        }
        let state = body["startOnly"]?.boolValue == true ? job.state : await job.state(waitingUpTo: configuration.longPollWindow)
        return v4Reply(callID: callID, state: state)
    }

    /// v4 `check`: the job's state, waiting up to the long-poll window when asked to.
    func checkV4(_ request: Request) async throws -> Response {
        let body = try await readObject(request)
        guard body["apiKey"]?.stringValue.map(isValidKey) == true else { return unauthorized() }
        guard let callID = body["callID"]?.stringValue, let job = queue.job(id: callID) else {
            return json(.notFound, .object(["message": .string("error: unknown callID")]))
        }
        let state = body["longPoll"]?.boolValue == true ? await job.state(waitingUpTo: configuration.longPollWindow) : job.state
        return v4Reply(callID: callID, state: state)
    }

    /// Direct style: the inputs are the body; the answer is the model output once the job is done. A repeated
    /// `X-Banana-Request-Id` joins the job already running (or finished) under that id.
    func direct(_ request: Request) async throws -> Response {
        guard request.headers[.bananaAPIKey].map(isValidKey) == true else {
            return unauthorized()
        }
        let body = try await readObject(request)
        let generation: GenerationRequest
        do {
            generation = try WorkerInputs.request(from: body, mapping: configuration.inputs)
        } catch let error as WorkerInputs.InvalidInputs {
            return badRequest(error.message)
        }
        let requestID = request.headers[.bananaRequestID] ?? UUID().uuidString.lowercased()
        let job: WorkerJob
        switch queue.submit(id: "direct:" + requestID, request: generation) {
        case .accepted(let accepted), .existing(let accepted): job = accepted
        case .busy: return busy()
        }
        var state = job.state
        while !state.isFinished, !Task.isCancelled {
            state = await job.state(waitingUpTo: configuration.longPollWindow)
        }
        switch state {
        case .succeeded(let image): return json(.ok, .object(outputs(image)))
        case .failed(let message): return json(.internalServerError, .object(["error": .string(message)]))
        case .waiting, .running: return json(.serviceUnavailable, .object(["error": .string("request cancelled")]))
        }
    }

    // MARK: replies

    private func v4Reply(callID: String, state: WorkerJob.State) -> Response {
        var reply: [String: ProviderJSON] = [
            "id": .string(callID), "callID": .string(callID), "apiVersion": .string("v4"),
            "created": .integer(Int64(Date().timeIntervalSince1970)), "finished": .bool(state.isFinished),
        ]
        switch state {
        case .succeeded(let image):
            reply["message"] = .string("success")
            reply["modelOutputs"] = .array([.object(outputs(image))])
        case .failed(let message):
            reply["message"] = .string("error: \(message)")
        case .waiting, .running:
            reply["message"] = .string("")
        }
        return json(.ok, .object(reply))
    }

    private func outputs(_ image: GeneratedImage) -> [String: ProviderJSON] {
        [configuration.inputs.imageOutput: .string(Data(image.data).base64EncodedString())]
    }

    private func readObject(_ request: Request) async throws -> ProviderJSON {
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
        guard let value = ProviderJSON.parse(Array(buffer.readableBytesView)), case .object = value else {
            throw HTTPError(.badRequest, message: "the body must be a JSON object")
        }
        return value
    }

    /// Compares keys in time independent of where they differ.
    private func isValidKey(_ candidate: String) -> Bool {
        let expected = Array(configuration.apiKey.utf8)
        let given = Array(candidate.utf8)
        guard !expected.isEmpty, expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func unauthorized() -> Response {
        json(.unauthorized, .object(["message": .string("error: invalid API key")]))
    }

    private func busy() -> Response {
        var response = json(.init(code: 423, reasonPhrase: "Locked"), .object(["message": .string("error: worker busy, retry later")]))
        response.headers[.retryAfter] = "1"
        return response
    }

    private func badRequest(_ message: String) -> Response {
        json(.badRequest, .object(["message": .string("error: \(message)")]))
    }

    private func json(_ status: HTTPResponse.Status, _ value: ProviderJSON) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }
}

extension HTTPField.Name {
    fileprivate static let bananaAPIKey = Self("X-Banana-API-Key")!
    fileprivate static let bananaRequestID = Self("X-Banana-Request-Id")!
}
