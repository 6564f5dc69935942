import Hummingbird
import Logging
import NIOCore

/// Renders every failure as the one JSON error shape and counts every request by route and status.
/// `GatewayError`s go to the caller as they are; Hummingbird's own errors (unknown route, body over the cap)
/// are translated; a database that refuses work is a logged 503; anything else is logged and becomes a 500 that
/// names the request id.
struct ErrorResponseMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let metrics: GatewayMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = translate(error, context: context).response(requestID: context.requestID)
        }
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code)
        return response
    }

    private func translate(_ error: any Error, context: Context) -> GatewayError {
        if let error = error as? GatewayError { return error }
        if error is NIOTooManyBytesError { return .bodyTooLarge(limit: context.maxUploadSize) }
        if let error = error as? HTTPError {
            switch error.status {
            case .notFound: return .notFound("no such resource")
            case .methodNotAllowed: return .methodNotAllowed()
            case .contentTooLarge: return .bodyTooLarge(limit: context.maxUploadSize)
            case .unsupportedMediaType: return .unsupportedMediaType()
            case let status where status.kind == .clientError:
                return .badRequest(error.body ?? "the request is malformed")
            default: break
            }
        }
        if let error = error as? SQLiteError, error.isStorageFault {
            context.logger.error(
                "the database refused the request's work",
                metadata: ["request_id": "\(context.requestID)", "error": "\(error)"])
            return .storageUnavailable()
        }
        context.logger.error(
            "request failed inside the gateway",
            metadata: ["request_id": "\(context.requestID)", "error": "\(String(reflecting: error))"])
        return .internalError()
    }
}
