import Hummingbird

/// The admin API's gate: only identities the policy lists under `admins:` pass (403 otherwise).
struct RequireAdminMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let policies: any LivePolicy

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { throw GatewayError.missingToken() }
        let resolution = policies.policy.resolve(identity)
        guard resolution.isAdmin, !resolution.isBlocked else { throw GatewayError.notAdmin() }
        return try await next(request, context)
    }
}
