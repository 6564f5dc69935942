import Yams

extension PolicyFileParser {
    mutating func parseNetwork(_ node: Node) {
        guard
            let entries = reader.mapping(
                node, what: "`network`", known: ["allow", "deny", "trusted_proxies", "rate_limits", "embed_origins"])
        else { return }
        var network = NetworkPolicy()
        for (key, _, value) in entries {
            switch key {
            case "allow": network.allow = parseBlocks(value, what: "`network.allow`")
            case "deny": network.deny = parseBlocks(value, what: "`network.deny`")
            case "trusted_proxies": network.trustedProxies = parseBlocks(value, what: "`network.trusted_proxies`")
            case "embed_origins": network.embedOrigins = parseEmbedOrigins(value)
            default: parseRateLimits(value, into: &network)
            }
        }
        fragment.network = network
        fragment.networkLocation = reader.location(of: node)
    }

    private mutating func parseBlocks(_ node: Node, what: String) -> [CIDR] {
        if reader.isNull(node) { return [] }
        guard let items = reader.strings(node, what: what) else { return [] }
        return items.compactMap { text, item in
            guard let block = CIDR(text) else {
                reader.error(
                    .invalidValue, at: item, "`\(text)` is not an IP address or CIDR block",
                    fix: "write e.g. 203.0.113.0/24, 2001:db8::/32, or a single address")
                return nil
            }
            return block
        }
    }

    private mutating func parseEmbedOrigins(_ node: Node) -> [EmbedOrigin] {
        if reader.isNull(node) { return [] }
        guard let items = reader.strings(node, what: "`network.embed_origins`") else { return [] }
        return items.compactMap { text, item in
            guard let origin = EmbedOrigin(text) else {
                reader.error(
                    .invalidValue, at: item, "`\(text)` is not a web origin",
                    fix: "write the site's scheme and host, e.g. https://you.github.io or https://*.example.com:8443")
                return nil
            }
            return origin
        }
    }

    private mutating func parseRateLimits(_ node: Node, into network: inout NetworkPolicy) {
        guard
            let entries = reader.mapping(
                node, what: "`network.rate_limits`",
                known: ["unauthenticated_requests_per_minute", "failed_auth_per_minute"])
        else { return }
        for (key, _, value) in entries {
            guard let count = reader.count(value, what: "`\(key)`") else { continue }
            if key == "failed_auth_per_minute" {
                network.failedAuthPerMinute = count
            } else {
                network.unauthenticatedRequestsPerMinute = count
            }
        }
    }
}
