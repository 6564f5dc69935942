import HTTPTypes
import Hummingbird

/// CORS for the configured front origins only: requests from those origins get Hummingbird's CORS handling
/// (preflight answers, `Access-Control-Allow-Origin`); other origins get no CORS headers, so browsers refuse them.
struct FrontOriginsMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let origins: Set<String>
    private let cors = CORSMiddleware<GatewayRequestContext>(
        allowOrigin: .originBased,
        allowHeaders: [.accept, .authorization, .contentType, .origin, .idempotencyKey, .xRequestID],
        allowMethods: [.get, .post, .delete, .options],
        exposedHeaders: ["X-Request-Id", "Retry-After", "Location", "Idempotent-Replayed"],
        maxAge: .seconds(600))

    init(origins: [String]) {
        self.origins = Set(origins)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) || origins.contains("*") else {
            return try await next(request, context)
        }
        return try await cors.handle(request, context: context, next: next)
    }
}
