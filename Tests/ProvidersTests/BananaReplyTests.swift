import Foundation
import Providers
import Testing

/// The banana reply parser on its own, as `generate` and the `banana-reply` fuzz target run it.
@Suite struct BananaReplyTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/banana-reply")
    let request = GenerationRequest(prompt: "a red fox", width: 16, height: 8, seed: 3)

    func image(_ reply: String) throws -> GeneratedImage {
        let outputs = try #require(ProviderJSON.parse(Array(reply.utf8)))
        return try BananaProvider.image(
            fromOutputs: outputs["modelOutputs"] ?? outputs, request: request, imageField: "image_base64",
            maxImageBytes: 1 << 16)
    }

    @Test func readsTheFirstOutputOfEitherStyle() throws {
        let png = BananaProviderTests.png(width: 16, height: 8)
        let v4 = try image(#"{"message":"success","modelOutputs":[{"image_base64":"\#(png)"},{"image_base64":1}]}"#)
        let direct = try image(#"{"image_base64":"data:image/png;base64,\#(png)"}"#)
        #expect(v4.mediaType == "image/png" && v4.seed == 3)
        #expect(v4.data == direct.data && v4.data == [UInt8](Data(base64Encoded: png)!))
    }

    @Test func refusesRepliesWithoutAFittingImage() throws {
        let wrongSize = BananaProviderTests.png(width: 8, height: 8)
        for reply in [
            #"{"modelOutputs":[]}"#, #"{"modelOutputs":[{"image_base64":7}]}"#, #"{"image_base64":"%%%"}"#,
            #"{"image_base64":"\#(wrongSize)"}"#, #"{"image_base64":"aGVsbG8="}"#,
        ] {
            #expect(throws: ProviderError.self, "\(reply)") { try image(reply) }
        }
    }

    /// Every committed fuzz seed yields an image or an `invalid_reply`, never anything else.
    @Test func fuzzSeedsParseOrAreInvalidReplies() throws {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        #expect(seeds.count >= 5)
        for seed in seeds {
            let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(seed)))
            guard let reply = ProviderJSON.parse(bytes) else { continue }
            do {
                _ = try BananaProvider.image(
                    fromOutputs: reply["modelOutputs"] ?? reply,
                    request: GenerationRequest(prompt: "fuzz", width: 64, height: 64, seed: 1),
                    imageField: "image_base64", maxImageBytes: 1 << 16)
            } catch let error as ProviderError {
                #expect(error.reason == "invalid_reply", "\(seed): \(error)")
            }
        }
    }
}
