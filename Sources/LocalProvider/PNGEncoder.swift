import CZlib

/// Encodes 8-bit RGB pixels as a PNG file (one IDAT chunk, zlib-compressed, no filtering).
public enum PNGEncoder {
    /// Why pixels could not be encoded.
    public struct EncodingError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Encodes `rgb` (row-major, 3 bytes per pixel, `width * height * 3` bytes) as PNG.
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw EncodingError(description: "PNG size \(width)x\(height) is out of range")
        }
        guard rgb.count == width * height * 3 else {
            throw EncodingError(
                description: "expected \(width * height * 3) RGB bytes for \(width)x\(height), got \(rgb.count)")
        }
        let rowBytes = width * 3
        var raw = [UInt8]()
        raw.reserveCapacity(height * (rowBytes + 1))
        for row in 0..<height {
            raw.append(0)  // filter type: none
            raw.append(contentsOf: rgb[row * rowBytes..<(row + 1) * rowBytes])
        }

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8-bit depth, truecolour, deflate, adaptive filters, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", try deflate(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    private static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        var outputLength = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(outputLength))
        let status = compress2(&output, &outputLength, input, uLong(input.count), 6)
        guard status == Z_OK else {
            throw EncodingError(description: "zlib compress2 failed with status \(status)")
        }
        output.removeSubrange(Int(outputLength)...)
        return output
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png.appendBigEndian(UInt32(data.count))
        png += typeBytes
        png += data
        var checksum = crc32(0, typeBytes, uInt(typeBytes.count))
        checksum = crc32(checksum, data, uInt(data.count))
        png.appendBigEndian(UInt32(checksum))
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
