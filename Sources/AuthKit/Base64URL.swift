/// Unpadded base64url (RFC 4648 §5) as JWS requires: no `=`, no whitespace, no characters outside the
/// alphabet, and no stray bits in the last character, so every byte string has exactly one encoding.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes bytes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let chunk = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            if second != nil { output.append(alphabet[Int(chunk >> 6 & 0x3F)]) }
            if third != nil { output.append(alphabet[Int(chunk & 0x3F)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strict unpadded base64url; nil for anything else.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        if let decoded = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return decoded }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 != 1 else { return nil }
        // Not through `unsafeUninitializedCapacity` when empty: for 0 it writes into the standard library's shared
        // empty-array storage, a race between threads that ThreadSanitizer reports.
        guard count > 0 else { return [] }
        let outputCount = count * 3 / 4
        var valid = true
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
            decodeTable.withUnsafeBufferPointer { table in
                var accumulator: UInt32 = 0
                var written = 0
                var index = 0
                while index + 4 <= count {
                    let a = table[Int(text[index])]
                    let b = table[Int(text[index + 1])]
                    let c = table[Int(text[index + 2])]
                    let d = table[Int(text[index + 3])]
                    guard (a | b | c | d) & 0x80 == 0 else {
                        valid = false
                        return
                    }
                    accumulator = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[written] = UInt8(truncatingIfNeeded: accumulator >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: accumulator)
                    written += 3
                    index += 4
                }
                let remaining = count - index
                if remaining >= 2 {
                    let a = table[Int(text[index])]
                    let b = table[Int(text[index + 1])]
                    let c = remaining == 3 ? table[Int(text[index + 2])] : 0
                    guard (a | b | c) & 0x80 == 0 else {
                        valid = false
                        return
                    }
                    accumulator = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    output[written] = UInt8(truncatingIfNeeded: accumulator >> 16)
                    written += 1
                    if remaining == 3 {
                        output[written] = UInt8(truncatingIfNeeded: accumulator >> 8)
                        written += 1
                        valid = accumulator & 0xFF == 0
                    } else {
                        valid = accumulator & 0xFFFF == 0
                    }
                }
                initialized = written
            }
        }
        return valid ? output : nil
    }

    /// Decodes strict unpadded base64url from a string; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8))
    }
}
