import AuthKit
import Foundation
import Hummingbird

/// `GET /v1/me`: who the caller is, their tier, the rule that chose it, and what is left in each quota window.
struct MeRoutes: Sendable {
    let ledger: any QuotaLedger
    let now: @Sendable () -> Date

    struct Answer: ResponseEncodable {
        struct IdentityView: Codable {
            var subject: String
            var issuer: String
            var email: String?
            var emailVerified: Bool
            var hostedDomain: String?
            var name: String?
            enum CodingKeys: String, CodingKey {
                case subject, issuer, email, name
                case emailVerified = "email_verified"
                case hostedDomain = "hosted_domain"
            }
        }
        struct TierView: Codable {
            var name: String
            var description: String?
            var providers: [String]
            /// The tier's limits, so a front can shape its form to them.
            var limits: PolicyView.Limits
        }
        var identity: IdentityView
        var tier: TierView
        var matchedRule: String?
        var isAdmin: Bool
        var quota: [QuotaWindowView]
        enum CodingKeys: String, CodingKey {
            case identity, tier, quota
            case matchedRule = "matched_rule"
            case isAdmin = "is_admin"
        }
    }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("me", use: me)
    }

    @Sendable func me(_ request: Request, context: GatewayRequestContext) async throws -> Answer {
        let (identity, access) = try context.caller()
        let windows = try await ledger.remaining(user: access.user, limits: access.tier.limits, now: now())
        return Answer(
            identity: .init(
                subject: identity.subject, issuer: identity.issuer, email: identity.email,
                emailVerified: identity.emailVerified, hostedDomain: identity.hostedDomain, name: identity.name),
            tier: .init(
                name: access.tier.name, description: access.tier.summary, providers: access.tier.providerChain,
                limits: PolicyView.Limits(access.tier.limits)),
            matchedRule: access.resolution.matchedRule.map { "\($0)" }, isAdmin: access.resolution.isAdmin,
            quota: windows.map(QuotaWindowView.init))
    }
}
