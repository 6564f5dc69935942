import Foundation

/// Turns a base64 string (plain or a `data:` URL) into checked image bytes.
enum ImageDecoding {
    static func image(
        base64 encoded: String, request: GenerationRequest, maxBytes: Int, field: String
    ) throws -> GeneratedImage {
        let base64 = encoded.hasPrefix("data:") ? String(encoded.drop { $0 != "," }.dropFirst()) : encoded
        guard base64.utf8.count <= (maxBytes / 3 + 1) * 4 + 4,
            let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters)
        else {
            throw ProviderError.invalidReply("'\(field)' is not base64 within the \(maxBytes)-byte cap")
        }
        let bytes = [UInt8](data)
        let mediaType = try ImageCheck.validate(bytes, width: request.width, height: request.height, maxBytes: maxBytes)
        return GeneratedImage(data: bytes, mediaType: mediaType, seed: request.seed)
    }
}
