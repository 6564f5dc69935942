/// Merges the files' fragments into one `Policy` and runs the checks that span files: duplicate names,
/// references to undefined tiers and providers, and rules that can never or only partly apply.
struct PolicyAssembler {
    private var diagnostics: [PolicyDiagnostic] = []

    /// Builds the policy from `(file name, fragment)` pairs in load order; `diagnostics` gets every problem.
    static func assemble(_ fragments: [(file: String, fragment: PolicyFragment)]) -> (Policy?, [PolicyDiagnostic]) {
        var assembler = PolicyAssembler()
        let policy = assembler.run(fragments)
        let failed = assembler.diagnostics.contains { $0.severity == .error }
        return (failed ? nil : policy, assembler.diagnostics)
    }

    private mutating func run(_ fragments: [(file: String, fragment: PolicyFragment)]) -> Policy {
        let parts = fragments.map(\.fragment)
        reportDuplicates(parts.flatMap(\.tierNames), what: "tier")
        reportDuplicates(parts.flatMap(\.providerNames), what: "provider")
        let tiers = firstOfEachName(parts.flatMap(\.tiers), name: \.name)
        let providers = firstOfEachName(parts.flatMap(\.providers), name: \.name)
        let network = single(parts.map { ($0.network, $0.networkLocation) }, section: "network") ?? NetworkPolicy()
        let auth = single(parts.map { ($0.auth, $0.authLocation) }, section: "auth") ?? AuthPolicy()
        reportDuplicates(auth.issuers.map { .init(name: $0.name, location: $0.location) }, what: "issuer")
        let issuers = firstOfEachName(auth.issuers, name: \.name)
        let tierNames = Set(parts.flatMap(\.tierNames).map(\.name))
        let providerNames = Set(parts.flatMap(\.providerNames).map(\.name))
        for reference in parts.flatMap(\.tierReferences) where !tierNames.contains(reference.name) {
            diagnostics.append(
                PolicyDiagnostic(
                    .error, .unknownTier, at: reference.location, "no tier is named `\(reference.name)`",
                    fix: PolicyNodeReader.suggestion(for: reference.name, among: tierNames.sorted())))
        }
        for reference in parts.flatMap(\.providerReferences) where !providerNames.contains(reference.name) {
            diagnostics.append(
                PolicyDiagnostic(
                    .error, .unknownProvider, at: reference.location, "no provider is named `\(reference.name)`",
                    fix: PolicyNodeReader.suggestion(for: reference.name, among: providerNames.sorted())))
        }
        if auth.google == nil && issuers.isEmpty {
            diagnostics.append(
                PolicyDiagnostic(
                    .warning, .noIssuer,
                    at: fragments.first.map { PolicyLocation(file: $0.file, line: 1, column: 1) }
                        ?? PolicyLocation(file: "", line: 1, column: 1),
                    "no sign-in issuer is configured, so nobody can sign in",
                    fix: "add `auth: {google: {client_ids: [...]}}` or an entry under `auth.issuers`"))
        }
        let rules = parts.flatMap(\.rules)
        let index = indexRules(rules, fallback: fragments.first?.file)
        return Policy(
            tiers: tiers, rules: rules, admins: merge(parts.map(\.admins)), blocks: merge(parts.map(\.blocks)),
            network: network, providers: providers, auth: AuthPolicy(google: auth.google, issuers: issuers),
            files: fragments.map(\.file), warnings: diagnostics.filter { $0.severity == .warning }, ruleIndex: index)
    }

    /// Reports every name defined again, pointing back at its first definition.
    private mutating func reportDuplicates(_ names: [PolicyFragment.Reference], what: String) {
        var seen: [String: PolicyLocation] = [:]
        for reference in names {
            if let first = seen[reference.name] {
                diagnostics.append(
                    PolicyDiagnostic(
                        .error, .duplicateName, at: reference.location,
                        "a \(what) named `\(reference.name)` is already defined at \(first)",
                        fix: "rename one of them or remove the duplicate"))
            } else {
                seen[reference.name] = reference.location
            }
        }
    }

    /// The items in order, without later items whose name an earlier one already has.
    private func firstOfEachName<Item>(_ items: [Item], name: (Item) -> String) -> [Item] {
        var seen = Set<String>()
        return items.filter { seen.insert(name($0)).inserted }
    }

    /// A section that may appear in only one file.
    private mutating func single<Value>(_ values: [(Value?, PolicyLocation?)], section: String) -> Value? {
        let present = values.compactMap { value, location in value.map { ($0, location!) } }
        for (_, location) in present.dropFirst() {
            diagnostics.append(
                PolicyDiagnostic(
                    .error, .duplicateName, at: location,
                    "`\(section):` is already defined at \(present[0].1)",
                    fix: "keep all of `\(section):` in one file"))
        }
        return present.first?.0
    }

    private mutating func merge(_ lists: [IdentityList]) -> IdentityList {
        var merged = IdentityList()
        for list in lists {
            for (email, location) in list.emails.sorted(by: { $0.value < $1.value }) {
                mergeEntry(email, location, into: &merged.emails)
            }
            for (subject, location) in list.subjects.sorted(by: { $0.value < $1.value }) {
                mergeEntry(subject, location, into: &merged.subjects)
            }
        }
        return merged
    }

    private mutating func mergeEntry(
        _ key: String, _ location: PolicyLocation, into entries: inout [String: PolicyLocation]
    ) {
        if let first = entries[key] {
            diagnostics.append(
                PolicyDiagnostic(
                    .warning, .duplicateName, at: location, "`\(key)` is already listed at \(first)",
                    fix: "remove one of the two entries"))
        } else {
            entries[key] = location
        }
    }

    /// Indexes the rules and warns about those an earlier rule hides wholly (unreachable) or in part.
    private mutating func indexRules(_ rules: [TierRule], fallback file: String?) -> TierRuleIndex {
        var index = TierRuleIndex()
        for (position, rule) in rules.enumerated() {
            if let earlier = index.coveringRule(for: rule.matcher) {
                let other = rules[earlier]
                diagnostics.append(
                    PolicyDiagnostic(
                        .warning, .unreachableRule, at: rule.location,
                        "rule `\(rule.matcher)` can never apply: the earlier rule `\(other.matcher)` at \(other.location) matches everyone it would",
                        fix: "move this rule above \(other.location), or remove it"))
            } else if let earlier = index.overlappingRule(for: rule.matcher) {
                let other = rules[earlier]
                diagnostics.append(
                    PolicyDiagnostic(
                        .warning, .overlappingRule, at: rule.location,
                        "rule `\(rule.matcher)` overlaps the earlier rule `\(other.matcher)` at \(other.location), which wins for accounts both match",
                        fix: "put the more specific rule first if it should win"))
            }
            index.insert(rule.matcher, at: position)
        }
        if !rules.contains(where: { $0.matcher == .anyone }) {
            let location = rules.last?.location ?? PolicyLocation(file: file ?? "", line: 1, column: 1)
            diagnostics.append(
                PolicyDiagnostic(
                    .warning, .noDefaultRule, at: location,
                    "no `default: true` rule: signed-in users that match no rule get no tier and are refused",
                    fix: "add `- default: true` with a tier as the last rule under `users:` (unless that is intended)"))
        }
        return index
    }
}
