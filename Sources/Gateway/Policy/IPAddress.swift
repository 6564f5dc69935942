#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address as its network-order bytes (4 or 16 of them).
///
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are stored as the IPv4 address they carry, so a
/// dual-stack listener's peers match IPv4 rules.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        case v4
        case v6
    }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var family: Family { bytes.count == 4 ? .v4 : .v6 }

    /// Parses the textual forms `inet_pton` accepts (`192.0.2.1`, `2001:db8::1`); anything else gives `nil`.
    public init?(_ text: some StringProtocol) {
        guard !text.isEmpty, text.utf8.count < 64 else { return nil }
        let text = String(text)
        if let v4 = Self.presentationToNetwork(text, family: AF_INET, size: 4) {
            self.bytes = v4
        } else if let v6 = Self.presentationToNetwork(text, family: AF_INET6, size: 16) {
            self.bytes = v6.starts(with: Self.mappedPrefix) ? Array(v6[12...]) : v6
        } else {
            return nil
        }
    }

    /// Parses one hop of an `X-Forwarded-For` header, tolerating what proxies add around the address:
    /// spaces, IPv6 brackets, and a port after an IPv4 address or a bracketed IPv6 one.
    public init?(forwardedForHop hop: some StringProtocol) {
        var host = hop.trimmingSpaces
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        self.init(host)
    }

    /// An address from its network-order bytes; `nil` unless there are exactly 4 or 16.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The canonical text form (`inet_ntop`).
    public var description: String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    private static func presentationToNetwork(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var result = [UInt8](repeating: 0, count: size)
        let status = result.withUnsafeMutableBytes { raw in
            inet_pton(family, text, raw.baseAddress)
        }
        return status == 1 ? result : nil
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
