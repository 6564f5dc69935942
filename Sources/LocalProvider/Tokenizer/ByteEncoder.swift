/// GPT-2/CLIP's reversible map from bytes to printable unicode characters used as BPE base symbols.
enum ByteEncoder {
    /// The 256 symbols in CLIP's vocabulary order: printable Latin-1 bytes first, then the rest shifted to 256+.
    static let orderedSymbols: [(byte: UInt8, symbol: Character)] = {
        let printable = Array(33...126) + Array(161...172) + Array(174...255)
        var pairs = printable.map { (UInt8($0), Character(Unicode.Scalar(UInt32($0))!)) }
        var next: UInt32 = 256
        for byte in 0...255 where !printable.contains(byte) {
            pairs.append((UInt8(byte), Character(Unicode.Scalar(next)!)))
            next += 1
        }
        return pairs
    }()

    /// The symbol of each byte value.
    static let symbolForByte: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        for (byte, symbol) in orderedSymbols { table[Int(byte)] = symbol }
        return table
    }()

    /// The symbols of the UTF-8 bytes of `text`.
    static func symbols(_ text: Substring) -> [String] {
        text.utf8.map { String(symbolForByte[Int($0)]) }
    }
}
