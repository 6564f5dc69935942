import Foundation
import Yams

extension PolicyFileParser {
    private static let providerKeys = [
        "name", "kind", "endpoint", "url", "price_per_second_usd", "start_deadline_seconds",
        "total_deadline_seconds", "budget_per_month_usd", "options",
    ]

    mutating func parseProviders(_ node: Node) {
        guard let items = reader.sequence(node, what: "`providers`") else { return }
        for item in items {
            guard
                let entries = reader.mapping(
                    item, what: "a provider", known: Self.providerKeys, required: ["name", "kind"],
                    allowUnknown: { $0.hasSuffix("_env") })
            else { continue }
            var name: String?
            var kind: ProviderKind?
            var endpoint: String?
            var price: Int64?
            var budget: Int64?
            var priceWritten = false
            var start: Int?
            var total: Int?
            var secrets: [String: String] = [:]
            var options: [String: ProviderOption] = [:]
            var valid = true
            for (key, keyNode, value) in entries {
                switch key {
                case "name":
                    name = reader.string(value, what: "a provider's `name`")
                    if let name {
                        fragment.providerNames.append(.init(name: name, location: reader.location(of: item)))
                    }
                case "kind": kind = parseKind(value)
                case "endpoint", "url":
                    if endpoint != nil {
                        reader.error(
                            .duplicateName, at: keyNode, "a provider has both `endpoint` and `url`",
                            fix: "keep one; `url` is another name for `endpoint`")
                    }
                    endpoint = parseEndpoint(value)
                case "price_per_second_usd":
                    priceWritten = true
                    guard let micros = reader.usd(value, what: "`price_per_second_usd`", nullable: false) else {
                        valid = false
                        continue
                    }
                    price = micros
                case "budget_per_month_usd":
                    if reader.isNull(value) { continue }
                    guard let micros = reader.usd(value, what: "`budget_per_month_usd`") else {
                        valid = false
                        continue
                    }
                    budget = micros
                case "start_deadline_seconds", "total_deadline_seconds":
                    guard let seconds = reader.count(value, what: "`\(key)`") else {
                        valid = false
                        continue
                    }
                    if key == "start_deadline_seconds" { start = seconds } else { total = seconds }
                case "options":
                    options = parseOptions(value)
                default:
                    guard let variable = parseEnvironmentName(value, key: key) else {
                        valid = false
                        continue
                    }
                    secrets[String(key.dropLast(4))] = variable
                }
            }
            if let kind, kind != .local, !priceWritten {
                reader.error(
                    .missingKey, at: item, "provider `\(name ?? "?")` has no `price_per_second_usd`",
                    fix: "add `price_per_second_usd: 0.00026` (its price per GPU-second in USD; 0 if free)")
                valid = false
            }
            guard valid, let name, let kind else { continue }
            fragment.providers.append(
                ProviderDefinition(
                    name: name, kind: kind, endpoint: endpoint, pricePerSecondMicros: price ?? 0,
                    startDeadlineSeconds: start, totalDeadlineSeconds: total, monthlyBudgetMicros: budget,
                    secretEnvironment: secrets, options: options, location: reader.location(of: item)))
        }
    }

    private mutating func parseKind(_ node: Node) -> ProviderKind? {
        guard let text = reader.string(node, what: "a provider's `kind`") else { return nil }
        guard let kind = ProviderKind(rawValue: text) else {
            let known = ProviderKind.allCases.map(\.rawValue)
            reader.error(
                .invalidValue, at: node, "unknown provider kind `\(text)`",
                fix: PolicyNodeReader.suggestion(for: text, among: known))
            return nil
        }
        return kind
    }

    private mutating func parseEndpoint(_ node: Node) -> String? {
        guard let text = reader.string(node, what: "a provider's `endpoint`") else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            reader.error(
                .invalidValue, at: node, "`\(text)` is not an http(s) URL",
                fix: "write the provider's base URL, e.g. https://api.banana.dev")
            return nil
        }
        if url.user != nil || url.password != nil || url.query != nil {
            reader.error(
                .inlineSecret, at: node, "the endpoint URL carries credentials or a query string",
                fix: "keep secrets out of URLs; name them with `*_env` keys (e.g. `api_key_env: BANANA_API_KEY`)")
            return nil
        }
        return text
    }

    /// A `*_env` value: the name of an environment variable, never the secret itself.
    private mutating func parseEnvironmentName(_ node: Node, key: String) -> String? {
        guard let text = reader.string(node, what: "`\(key)`") else { return nil }
        guard SecretKeyName.isEnvironmentName(text) else {
            let looksSecret = SecretKeyName.looksLikeToken(text) || text.count > 40
            reader.error(
                looksSecret ? .inlineSecret : .invalidValue, at: node,
                looksSecret
                    ? "`\(key)` holds what looks like the secret itself, not a variable name"
                    : "`\(text)` is not an environment variable name",
                fix: "write the variable's name, e.g. `\(key): BANANA_API_KEY`, and set it in the environment")
            return nil
        }
        return text
    }

    /// The free-form `options:` map, checked only for secrets written inline.
    private mutating func parseOptions(_ node: Node) -> [String: ProviderOption] {
        if reader.isNull(node) { return [:] }
        guard case .mapping = node, case .mapping(let mapping) = option(node).value else {
            _ = reader.mapping(node, what: "a provider's `options`", known: [])
            return [:]
        }
        return mapping
    }

    private mutating func option(_ node: Node) -> ProviderOption {
        let location = reader.location(of: node)
        switch node {
        case .scalar(let scalar):
            if reader.isNull(node) { return ProviderOption(.null, location: location) }
            if SecretKeyName.looksLikeToken(scalar.string) {
                reader.error(
                    .inlineSecret, at: node, "this option looks like an API token written inline",
                    fix: "move the token to an environment variable and name it with a `*_env` key")
            }
            return ProviderOption(.scalar(scalar.string), location: location)
        case .sequence(let sequence):
            return ProviderOption(.list(sequence.map { option($0) }), location: location)
        case .mapping(let mapping):
            var values: [String: ProviderOption] = [:]
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                if SecretKeyName.looksSecret(key) {
                    reader.reportInlineSecret(key: key, at: keyNode)
                    continue
                }
                values[key] = option(value)
            }
            return ProviderOption(.mapping(values), location: location)
        case .alias:
            return ProviderOption(.null, location: location)
        }
    }
}
