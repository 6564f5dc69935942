/// The `users:` rules arranged for constant-time lookup: for each way of matching, the position of the
/// first rule that matches a given value. The earliest position among an identity's candidates wins, which
/// is exactly "first matching rule in file order".
struct TierRuleIndex: Sendable {
    private var emails: [String: Int] = [:]
    private var emailDomains: [String: Int] = [:]
    /// Keyed by the parent domain of `*.parent` rules.
    private var emailSubdomains: [String: Int] = [:]
    private var hostedDomains: [String: Int] = [:]
    private var subjects: [String: Int] = [:]
    private var anyone: Int?

    /// Records the rule at `position` unless an earlier rule already matches the same value.
    mutating func insert(_ matcher: TierRule.Matcher, at position: Int) {
        switch matcher {
        case .email(let email): emails[email] = emails[email] ?? position
        case .emailDomain(let domain): emailDomains[domain] = emailDomains[domain] ?? position
        case .emailSubdomains(let domain): emailSubdomains[domain] = emailSubdomains[domain] ?? position
        case .hostedDomain(let domain): hostedDomains[domain] = hostedDomains[domain] ?? position
        case .subject(let subject): subjects[subject] = subjects[subject] ?? position
        case .anyone: anyone = anyone ?? position
        }
    }

    /// The position of the first rule matching the identity.
    ///
    /// - Parameter verifiedEmail: The lowercased email, only when the issuer says it is verified.
    func firstMatch(verifiedEmail: String?, hostedDomain: String?, subject: String?) -> Int? {
        var best = anyone
        func consider(_ position: Int?) {
            if let position, position < (best ?? Int.max) { best = position }
        }
        if let subject { consider(subjects[subject]) }
        if let hostedDomain { consider(hostedDomains[hostedDomain.lowercased()]) }
        if let verifiedEmail, let domain = Self.domain(of: verifiedEmail) {
            consider(emails[verifiedEmail])
            consider(emailDomains[domain])
            consider(firstSubdomainRule(strictlyAbove: domain))
        }
        return best
    }

    /// The position of the earliest rule that matches everything `matcher` matches, if any.
    func coveringRule(for matcher: TierRule.Matcher) -> Int? {
        let candidates: [Int?]
        switch matcher {
        case .email(let email):
            let domain = Self.domain(of: email) ?? ""
            candidates = [emails[email], emailDomains[domain], firstSubdomainRule(strictlyAbove: domain)]
        case .emailDomain(let domain):
            candidates = [emailDomains[domain], firstSubdomainRule(strictlyAbove: domain)]
        case .emailSubdomains(let domain):
            candidates = [emailSubdomains[domain], firstSubdomainRule(strictlyAbove: domain)]
        case .hostedDomain(let domain):
            candidates = [hostedDomains[domain]]
        case .subject(let subject):
            candidates = [subjects[subject]]
        case .anyone:
            candidates = []
        }
        return (candidates + [anyone]).compactMap { $0 }.min()
    }

    /// The position of an earlier rule that catches some of the identities `matcher` matches through another
    /// claim (a Workspace domain and an email domain that are the same), if any.
    func overlappingRule(for matcher: TierRule.Matcher) -> Int? {
        switch matcher {
        case .email(let email): hostedDomains[Self.domain(of: email) ?? ""]
        case .emailDomain(let domain), .emailSubdomains(let domain): hostedDomains[domain]
        case .hostedDomain(let domain):
            [emailDomains[domain], firstSubdomainRule(strictlyAbove: domain)].compactMap { $0 }.min()
        case .subject, .anyone: nil
        }
    }

    /// The first `*.parent` rule whose parent is a proper suffix of `domain`.
    private func firstSubdomainRule(strictlyAbove domain: String) -> Int? {
        guard !emailSubdomains.isEmpty else { return nil }
        var best: Int?
        let bytes = domain.utf8
        var index = bytes.startIndex
        while let dot = bytes[index...].firstIndex(of: UInt8(ascii: ".")) {
            index = bytes.index(after: dot)
            let parent = String(Substring(domain.utf8[index...]))
            if let position = emailSubdomains[parent], position < (best ?? Int.max) { best = position }
        }
        return best
    }

    /// The part after the last `@`, or `nil` when there is none.
    private static func domain(of email: String) -> String? {
        guard let at = email.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        return String(Substring(email.utf8[email.utf8.index(after: at)...]))
    }
}
