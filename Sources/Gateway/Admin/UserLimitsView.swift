import Foundation
import Hummingbird

/// The effective limits of a user named by email: what the live policy gives that email (as a verified address,
/// and the subject it last signed in with), and what is left of each quota window when the gateway knows the user.
struct UserLimitsView: ResponseEncodable {
    var email: String
    /// The user key the email last used, or nil when it has never reserved quota here.
    var user: String?
    var blocked: Bool
    var blockedBy: String?
    var admin: Bool
    var tier: String?
    var matchedRule: String?
    var providers: [String]
    var limits: PolicyView.Limits?
    var quota: [QuotaWindowView]?
    /// What the answer cannot take into account.
    var note: String

    enum CodingKeys: String, CodingKey {
        case email, user, blocked, admin, tier, providers, limits, quota, note
        case blockedBy = "blocked_by"
        case matchedRule = "matched_rule"
    }

    init(email: String, user: UserKey?, resolution: PolicyResolution, windows: [QuotaWindowStatus]?) {
        self.email = email
        self.user = user?.description
        blocked = resolution.isBlocked
        blockedBy = resolution.blockedBy.map { "\($0)" }
        admin = resolution.isAdmin
        tier = resolution.tier?.name
        matchedRule = resolution.matchedRule.map { "\($0)" }
        providers = resolution.providerChain
        limits = resolution.limits.map(PolicyView.Limits.init)
        quota = windows?.map(QuotaWindowView.init)
        note =
            "Resolved as a verified email\(user == nil ? "" : " and its last subject"); hosted_domain rules "
            + "need the user's token and are not considered"
    }
}
