/// A block of IPv4 or IPv6 addresses, written `192.0.2.0/24` or `2001:db8::/32`; a bare address is a
/// block of one (`/32` or `/128`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The block's first address (bits past the prefix are cleared).
    public let network: IPAddress
    /// How many leading bits every address in the block shares with `network`.
    public let prefixLength: Int

    /// Parses `address/prefix` or a bare address; `nil` when either part is malformed or the prefix is too
    /// long for the family.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        // An IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) is written in IPv6 bits but kept as IPv4.
        let writtenAsV6 = parts[0].contains(":")
        let writtenBits = writtenAsV6 ? 128 : 32
        var length = writtenBits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy(\.isASCIIDigit),
                let written = Int(parts[1]), written <= writtenBits
            else { return nil }
            length = written
        }
        if writtenAsV6 && address.family == .v4 {
            guard length >= 96 else { return nil }
            length -= 96
        }
        self.init(network: address, prefixLength: length)
    }

    /// A block from an address and prefix length; bits past the prefix are cleared.
    public init(network: IPAddress, prefixLength: Int) {
        let maximum = network.bytes.count * 8
        let length = min(max(prefixLength, 0), maximum)
        var bytes = network.bytes
        for index in bytes.indices {
            let bitsKept = min(max(length - index * 8, 0), 8)
            bytes[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        self.network = IPAddress(bytes: bytes)!
        self.prefixLength = length
    }

    /// Whether `address` is in this block; an address of the other family never is.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        var index = 0
        while remaining >= 8 {
            if address.bytes[index] != network.bytes[index] { return false }
            remaining -= 8
            index += 1
        }
        guard remaining > 0 else { return true }
        let mask = UInt8(truncatingIfNeeded: 0xff << (8 - remaining))
        return address.bytes[index] & mask == network.bytes[index]
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
