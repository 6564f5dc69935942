import Foundation
import Yams

extension PolicyFileParser {
    mutating func parseAuth(_ node: Node) {
        guard let entries = reader.mapping(node, what: "`auth`", known: ["google", "issuers"]) else { return }
        var auth = AuthPolicy()
        for (key, _, value) in entries {
            if key == "google" {
                auth.google = parseGoogle(value)
            } else if !reader.isNull(value), let items = reader.sequence(value, what: "`auth.issuers`") {
                auth.issuers = items.compactMap { parseIssuer($0) }
            }
        }
        fragment.auth = auth
        fragment.authLocation = reader.location(of: node)
    }

    private mutating func parseGoogle(_ node: Node) -> GoogleSignInPolicy? {
        guard
            let entries = reader.mapping(
                node, what: "`auth.google`", known: ["client_ids", "hosted_domains"], required: ["client_ids"])
        else { return nil }
        var clientIDs: [String] = []
        var hostedDomains: [String] = []
        for (key, _, value) in entries {
            if reader.isNull(value) { continue }
            let values = reader.strings(value, what: "`auth.google.\(key)`")?.map(\.0) ?? []
            if key == "client_ids" { clientIDs = values } else { hostedDomains = values.map { $0.lowercased() } }
        }
        if clientIDs.isEmpty && entries.contains(where: { $0.key == "client_ids" }) {
            reader.error(
                .invalidValue, at: node, "`auth.google.client_ids` is empty, so no Google token would be accepted",
                fix: "add your OAuth client id (…apps.googleusercontent.com), or remove `google:` to turn Google off")
        }
        return GoogleSignInPolicy(
            clientIDs: clientIDs, hostedDomains: hostedDomains, location: reader.location(of: node))
    }

    private mutating func parseIssuer(_ node: Node) -> IssuerPolicy? {
        guard
            let entries = reader.mapping(
                node, what: "an issuer", known: ["name", "issuers", "jwks_url", "client_ids"],
                required: ["name", "issuers", "jwks_url", "client_ids"])
        else { return nil }
        var name: String?
        var issuers: [String]?
        var jwksURL: String?
        var clientIDs: [String]?
        for (key, _, value) in entries {
            switch key {
            case "name": name = reader.string(value, what: "an issuer's `name`")
            case "issuers": issuers = nonEmptyStrings(value, what: "an issuer's `issuers`")
            case "client_ids": clientIDs = nonEmptyStrings(value, what: "an issuer's `client_ids`")
            default:
                guard let text = reader.string(value, what: "`jwks_url`") else { continue }
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                    url.host != nil
                else {
                    reader.error(
                        .invalidValue, at: value, "`\(text)` is not an http(s) URL",
                        fix: "write the URL of the issuer's JSON Web Key Set")
                    continue
                }
                jwksURL = text
            }
        }
        guard let name, let issuers, let jwksURL, let clientIDs else { return nil }
        return IssuerPolicy(
            name: name, issuers: issuers, jwksURL: jwksURL, clientIDs: clientIDs, location: reader.location(of: node))
    }

    private mutating func nonEmptyStrings(_ node: Node, what: String) -> [String]? {
        guard let values = reader.strings(node, what: what) else { return nil }
        guard !values.isEmpty else {
            reader.error(.invalidValue, at: node, "\(what) is empty", fix: "list at least one value")
            return nil
        }
        return values.map(\.0)
    }
}
