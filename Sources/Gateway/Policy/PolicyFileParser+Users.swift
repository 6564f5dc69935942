import Yams

extension PolicyFileParser {
    private static let matcherKeys = ["email", "email_domain", "hosted_domain", "subject", "default"]

    mutating func parseRules(_ node: Node) {
        guard let items = reader.sequence(node, what: "`users`") else { return }
        for item in items {
            guard
                let entries = reader.mapping(
                    item, what: "a user rule", known: Self.matcherKeys + ["tier", "note"], required: ["tier"])
            else { continue }
            let matchers = entries.filter { Self.matcherKeys.contains($0.key) }
            guard matchers.count == 1 else {
                let written = matchers.map { "`\($0.key)`" }.joined(separator: " and ")
                reader.error(
                    .invalidValue, at: item,
                    matchers.isEmpty ? "a user rule says nothing about whom it matches" : "a user rule has \(written)",
                    fix: "give each rule exactly one of: email, email_domain, hosted_domain, subject, default: true")
                continue
            }
            var tier: String?
            var note: String?
            for (key, _, value) in entries {
                switch key {
                case "tier":
                    tier = reader.string(value, what: "a rule's `tier`")
                    if let tier {
                        fragment.tierReferences.append(.init(name: tier, location: reader.location(of: value)))
                    }
                case "note": note = reader.string(value, what: "a rule's `note`")
                default: break
                }
            }
            guard let matcher = parseMatcher(key: matchers[0].key, value: matchers[0].value), let tier else { continue }
            fragment.rules.append(
                TierRule(matcher: matcher, tier: tier, note: note, location: reader.location(of: item)))
        }
    }

    private mutating func parseMatcher(key: String, value: Node) -> TierRule.Matcher? {
        switch key {
        case "default":
            guard let isDefault = reader.bool(value, what: "`default`") else { return nil }
            guard isDefault else {
                reader.error(
                    .invalidValue, at: value, "`default: false` matches nobody",
                    fix: "write `default: true`, or remove the rule")
                return nil
            }
            return .anyone
        case "subject":
            return reader.string(value, what: "`subject`").map { .subject($0) }
        case "email":
            return parseEmail(value, what: "`email`").map { .email($0) }
        case "email_domain":
            guard let text = reader.string(value, what: "`email_domain`") else { return nil }
            let isWildcard = text.hasPrefix("*.")
            guard let domain = validDomain(isWildcard ? String(text.dropFirst(2)) : text, node: value) else {
                return nil
            }
            return isWildcard ? .emailSubdomains(domain) : .emailDomain(domain)
        default:
            guard let text = reader.string(value, what: "`hosted_domain`") else { return nil }
            return validDomain(text, node: value).map { .hostedDomain($0) }
        }
    }

    /// A lowercased email address, or `nil` (reported) when it is not `local@domain`.
    mutating func parseEmail(_ node: Node, what: String) -> String? {
        guard let text = reader.string(node, what: what) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(where: \.isWhitespace) else {
            reader.error(
                .invalidValue, at: node, "\(what) `\(text)` is not an email address",
                fix: "write a whole address such as alice@example.com")
            return nil
        }
        return text.lowercased()
    }

    /// A lowercased domain name, or `nil` (reported) when it is not one.
    private mutating func validDomain(_ text: String, node: Node) -> String? {
        let domain = text.lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let valid = labels.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard valid else {
            reader.error(
                .invalidValue, at: node, "`\(text)` is not a domain name",
                fix: domain.contains("@")
                    ? "write only the part after @, e.g. example.com"
                    : "write a domain such as example.com (email_domain also takes *.example.com for subdomains)")
            return nil
        }
        return domain
    }

    /// `admins:` or `blocks:`: lists of `emails` and `subjects`.
    mutating func parseIdentityList(_ node: Node, what: String) -> IdentityList {
        var list = IdentityList()
        guard let entries = reader.mapping(node, what: what, known: ["emails", "subjects"]) else { return list }
        for (key, _, value) in entries {
            if reader.isNull(value) { continue }
            guard let items = reader.sequence(value, what: "\(what) `\(key)`") else { continue }
            for item in items {
                let text = key == "emails" ? parseEmail(item, what: "an email") : reader.string(item, what: "a subject")
                guard let text else { continue }
                let location = reader.location(of: item)
                let existing = key == "emails" ? list.emails[text] : list.subjects[text]
                if let existing {
                    reader.report(
                        PolicyDiagnostic(
                            .warning, .duplicateName, at: location, "`\(text)` is already listed at \(existing)",
                            fix: "remove one of the two entries"))
                } else if key == "emails" {
                    list.emails[text] = location
                } else {
                    list.subjects[text] = location
                }
            }
        }
        return list
    }
}
