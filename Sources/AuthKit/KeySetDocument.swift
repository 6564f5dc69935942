/// A key set as fetched from its source: the raw document and how long it may be used.
public struct KeySetDocument: Sendable {
    /// The JWKS or certificate-map JSON.
    public var body: [UInt8]
    /// Seconds the document stays fresh from now (`Cache-Control: max-age` minus `Age`); nil when unstated.
    public var maxAge: Int64?

    public init(body: [UInt8], maxAge: Int64?) {
        self.body = body
        self.maxAge = maxAge
    }

    /// Freshness from HTTP response headers: `max-age` minus `Age`, zero for `no-store`/`no-cache`, nil if unstated.
    public static func freshness(cacheControl: String?, age: String?) -> Int64? {
        guard let cacheControl else { return nil }
        var maxAge: Int64?
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingSpaces().lowercased()
            if name == "no-store" || name == "no-cache" { return 0 }
            if name == "max-age", parts.count == 2 {
                let value = parts[1].trimmingSpaces().trimmingQuotes()
                guard let seconds = Int64(value), seconds >= 0 else { return nil }
                maxAge = seconds
            }
        }
        guard let maxAge else { return nil }
        let elapsed = age.flatMap { Int64($0.trimmingSpaces()) }.map { max(0, $0) } ?? 0
        return max(0, maxAge - elapsed)
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    fileprivate func trimmingQuotes() -> Substring {
        var text = Substring(self)
        if text.count >= 2, text.first == "\"", text.last == "\"" {
            text.removeFirst()
            text.removeLast()
        }
        return text
    }
}
