import Hummingbird

/// The gate after authentication: routes behind it need a verified identity (401 otherwise).
struct RequireIdentityMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.identity != nil else { throw GatewayError.missingToken() }
        return try await next(request, context)
    }
}
