import AuthKit
import Gateway
import Testing

@Suite struct PolicyResolutionTests {
    static let tiers = """
        tiers:
          - name: free
            providers: [local]
            limits: {images_per_day: 20}
          - name: team
            providers: [local]
            limits: {images_per_day: 200}
          - name: pro
            providers: [local]
            limits: {images_per_day: null, spend_per_month_usd: 25.5}
        """
    static let users = """
        users:
          - email: Alice@Example.com
            tier: pro
          - email_domain: example.com
            tier: team
          - email_domain: "*.corp.example.org"
            tier: team
          - hosted_domain: workspace.example.net
            tier: team
          - subject: "sub-42"
            tier: pro
          - default: true
            tier: free
        """
    static let blocks = """
        admins:
          emails: [Root@Example.com]
          subjects: [admin-sub]
        blocks:
          emails: [evil@example.com, root2@example.com]
          subjects: [bad-sub]
        """

    let policy: Policy

    init() throws {
        policy = try PolicyLoader.load(
            PolicyFixtures.sources(["tiers.yaml": Self.tiers, "users.yaml": Self.users, "blocks.yaml": Self.blocks]))
    }

    private func resolve(
        _ email: String?, verified: Bool = true, hostedDomain: String? = nil, subject: String? = "sub"
    ) -> PolicyResolution {
        policy.resolve(email: email, emailVerified: verified, hostedDomain: hostedDomain, subject: subject)
    }

    @Test func exactEmailMatchesWithoutRegardToCase() {
        let resolution = resolve("ALICE@example.COM")
        #expect(resolution.tier?.name == "pro")
        #expect(resolution.matchedRule?.location == PolicyLocation(file: "users.yaml", line: 2, column: 5))
        #expect(resolution.limits?.imagesPerDay == nil)
        #expect(resolution.limits?.spendPerMonthMicros == 25_500_000)
        #expect(resolution.providerChain == ["local"])
        #expect(resolution.isAllowed)
    }

    @Test func firstMatchingRuleWinsAndIsReported() {
        let byDomain = resolve("bob@example.com", subject: "sub-42")
        #expect(byDomain.tier?.name == "team")
        #expect(byDomain.matchedRule?.description == "users.yaml:4:5 (email_domain: example.com -> team)")
        #expect(resolve("carol@elsewhere.org", subject: "sub-42").matchedRule?.location.line == 10)
    }

    @Test func subdomainRuleMatchesSubdomainsOnly() {
        #expect(resolve("x@eng.corp.example.org").matchedRule?.location.line == 6)
        #expect(resolve("x@corp.example.org").tier?.name == "free")
    }

    @Test func hostedDomainMatchesWorkspaceAccounts() {
        let resolution = resolve("dana@workspace.example.net", verified: false, hostedDomain: "Workspace.Example.net")
        #expect(resolution.tier?.name == "team")
        #expect(resolution.matchedRule?.location.line == 8)
    }

    @Test func unverifiedEmailReachesOnlyTheDefault() {
        let resolution = resolve("alice@example.com", verified: false)
        #expect(resolution.tier?.name == "free")
        #expect(resolution.matchedRule?.matcher == .anyone)
        #expect(resolution.matchedRule?.location.line == 12)
    }

    @Test func identityWithNoEmailGetsTheDefault() {
        #expect(resolve(nil).tier?.name == "free")
    }

    @Test func noMatchingRuleMeansNoTier() throws {
        let users = "users:\n  - email: a@example.com\n    tier: free\n"
        let policy = try PolicyLoader.load(PolicyFixtures.sources(["users.yaml": users]))
        let resolution = policy.resolve(email: "b@example.com", emailVerified: true, hostedDomain: nil, subject: "s")
        #expect(resolution.tier == nil)
        #expect(resolution.matchedRule == nil)
        #expect(!resolution.isAllowed)
        #expect(resolution.explanation.contains { $0.contains("no rule matches") })
    }

    @Test func blockedEmailIsRefusedEvenUnverified() {
        let resolution = resolve("EVIL@example.com", verified: false)
        #expect(resolution.isBlocked)
        #expect(!resolution.isAllowed)
        #expect(resolution.tier == nil)
        #expect(resolution.blockedBy == PolicyLocation(file: "blocks.yaml", line: 5, column: 12))
    }

    @Test func blockedSubjectIsRefused() {
        let resolution = resolve("fine@example.com", subject: "bad-sub")
        #expect(resolution.isBlocked)
        #expect(resolution.blockedBy?.line == 6)
    }

    @Test func adminsByVerifiedEmailOrSubject() {
        #expect(resolve("root@example.com").isAdmin)
        #expect(!resolve("root@example.com", verified: false).isAdmin)
        #expect(resolve("someone@else.org", subject: "admin-sub").isAdmin)
        #expect(!resolve("bob@example.com").isAdmin)
    }

    @Test func blockedAdminIsNotAnAdmin() {
        let resolution = resolve("evil@example.com", subject: "admin-sub")
        #expect(resolution.isBlocked)
        #expect(!resolution.isAdmin)
    }

    @Test func resolvesAVerifiedTokenIdentity() {
        let identity = Identity(
            subject: "sub-7", email: "bob@example.com", emailVerified: true, issuer: "https://accounts.google.com")
        #expect(policy.resolve(identity).tier?.name == "team")
    }

    @Test func explanationNamesRuleTierAndLimits() {
        let lines = resolve("alice@example.com").explanation
        #expect(lines.contains("rule: users.yaml:2:5 (email: alice@example.com -> pro)"))
        #expect(lines.contains("spend per day: unlimited, per month: $25.5"))
        #expect(lines.contains("images per day: unlimited, per month: unlimited"))
    }
}
