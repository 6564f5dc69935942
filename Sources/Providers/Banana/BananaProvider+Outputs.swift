extension BananaProvider {
    /// The image in a finished call's model outputs (a direct-style reply, or a v4 reply's `modelOutputs`), read
    /// as `generate` reads it: the first output's `imageField`, base64 of a PNG or JPEG of the requested size
    /// within `maxImageBytes`. Public so the reply parser can be fuzzed on its own; throws `invalid_reply`.
    public static func image(
        fromOutputs outputs: ProviderJSON, request: GenerationRequest, imageField: String, maxImageBytes: Int
    ) throws -> GeneratedImage {
        let first = outputs.arrayValue?.first ?? outputs
        guard let encoded = first[imageField]?.stringValue else {
            throw ProviderError.invalidReply("model output has no string '\(imageField)'")
        }
        return try ImageDecoding.image(base64: encoded, request: request, maxBytes: maxImageBytes, field: imageField)
    }
}
