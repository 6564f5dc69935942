/// A site allowed to frame the generation page (`network.embed_origins`): `https://host[:port]`, where the host
/// may start with `*.` for its subdomains. Only letters, digits, `.`, `-` and one leading `*.` are accepted, so
/// the value can go into a `Content-Security-Policy` header as it is.
public struct EmbedOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The origin as the CSP `frame-ancestors` directive takes it, lowercased.
    public let description: String

    /// Parses an origin; nil when it has a path, query, credentials, another scheme or unexpected characters.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https://"
        } else if lowered.hasPrefix("http://") {
            scheme = "http://"
        } else {
            return nil
        }
        var rest = Substring(lowered.dropFirst(scheme.count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var host = rest
        if let colon = rest.lastIndex(of: ":") {
            let port = rest[rest.index(after: colon)...]
            guard (1...5).contains(port.count), port.allSatisfy(\.isASCIIDigit), let number = Int(port),
                (1...65_535).contains(number)
            else { return nil }
            host = rest[..<colon]
        }
        let labels = host.hasPrefix("*.") ? host.dropFirst(2) : host
        guard !labels.isEmpty, labels.count <= 253,
            labels.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "-" }
            })
        else { return nil }
        description = scheme + rest
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
