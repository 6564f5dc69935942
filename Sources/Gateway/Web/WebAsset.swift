import NIOCore

/// One file of the web front, held in memory: its bytes, media type and entity tag.
struct WebAsset: Sendable {
    let bytes: ByteBuffer
    let contentType: String
    /// A strong entity tag (quoted) from the file's content.
    let etag: String
    /// The short content hash that versions the asset's URL (`?v=`).
    let version: String

    init(bytes: [UInt8], contentType: String) {
        self.bytes = ByteBuffer(bytes: bytes)
        self.contentType = contentType
        version = Self.hash(bytes)
        etag = "\"\(version)\""
    }

    /// FNV-1a over the bytes, as 16 hex digits: enough to tell two versions of a file apart.
    static func hash(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The media type of a file by its extension; nil for kinds the web front does not serve.
    static func contentType(ofFileNamed name: String) -> String? {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: nil
        }
    }
}
