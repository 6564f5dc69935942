/// Checks that bytes a provider returned are a real PNG or JPEG of the size asked for, under a byte cap.
public enum ImageCheck {
    /// Returns the image's media type, or throws `ProviderError.invalidReply` saying what is wrong.
    public static func validate(_ bytes: [UInt8], width: Int, height: Int, maxBytes: Int) throws -> String {
        guard bytes.count <= maxBytes else {
            throw ProviderError.invalidReply("image of \(bytes.count) bytes is over the \(maxBytes)-byte cap")
        }
        guard let (mediaType, size) = dimensions(of: bytes) else {
            throw ProviderError.invalidReply("reply is not a PNG or JPEG image (\(bytes.count) bytes)")
        }
        guard size.width == width, size.height == height else {
            throw ProviderError.invalidReply(
                "image is \(size.width)x\(size.height), but \(width)x\(height) was asked for")
        }
        return mediaType
    }

    /// The media type and pixel size of a PNG or baseline/progressive JPEG, read from its header.
    public static func dimensions(of bytes: [UInt8]) -> (mediaType: String, size: (width: Int, height: Int))? {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 24, Array(bytes[0..<8]) == pngSignature, Array(bytes[12..<16]) == Array("IHDR".utf8) {
            return ("image/png", (bigEndian(bytes, at: 16, count: 4), bigEndian(bytes, at: 20, count: 4)))
        }
        if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 {
            return jpegDimensions(bytes).map { ("image/jpeg", $0) }
        }
        return nil
    }

    /// Walks JPEG markers to the first start-of-frame segment.
    private static func jpegDimensions(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF {
                index += 1
                continue
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                index += 2
                continue
            }
            let length = bigEndian(bytes, at: index + 2, count: 2)
            guard length >= 2 else { return nil }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isStartOfFrame {
                guard index + 9 <= bytes.count else { return nil }
                return (bigEndian(bytes, at: index + 7, count: 2), bigEndian(bytes, at: index + 5, count: 2))
            }
            index += 2 + length
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }
}
