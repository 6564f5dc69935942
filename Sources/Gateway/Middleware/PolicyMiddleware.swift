import Hummingbird

/// Fourth step: asks the policy what the identity gets. Blocked identities get 403 `blocked`, identities no rule
/// admits get 403 `no_tier`; otherwise the grant goes into the context.
struct PolicyMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let policies: any LivePolicy

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else { throw GatewayError.missingToken() }
        let policy = policies.policy
        let resolution = policy.resolve(identity)
        if resolution.isBlocked { throw GatewayError.blocked() }
        guard let tier = resolution.tier else { throw GatewayError.noTier() }
        var context = context
        context.access = Access(policy: policy, resolution: resolution, tier: tier, user: UserKey(identity))
        return try await next(request, context)
    }
}
