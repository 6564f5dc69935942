import Foundation
import Gateway
import Testing

/// The JSON request decoders on their own, as the routes and the `requests` fuzz target run them.
@Suite struct RequestBodyTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/requests")

    @Test func generationBodyDecodesEveryParameter() throws {
        let body =
            #"{"prompt":"a fox","negative_prompt":"blur","width":576,"height":640,"steps":12,"#
            + #""guidance":4.5,"seed":9,"scheduler":"ddim","provider":"local"}"#
        let parameters = try GenerationParameters(generationBody: Array(body.utf8))
        let request = try parameters.validated(for: QuotaLimits(), chain: ["local"]) { 1 }
        #expect(request.prompt == "a fox" && request.negativePrompt == "blur")
        #expect(request.width == 576 && request.height == 640 && request.steps == 12 && request.guidance == 4.5)
        #expect(request.seed == 9 && request.scheduler == "ddim")
    }

    @Test func wrongTypesAndMalformedBodiesAre400s() {
        let cases: [(body: String, reason: String, param: String?)] = [
            (#"{"prompt": "x", "steps": "many"}"#, "invalid_parameter", "steps"),
            (#"{"prompt": "x", "width": "wide"}"#, "invalid_parameter", "width"),
            (#"{"prompt": "x", "width": 1e400}"#, "invalid_json", nil),
            ("[1, 2]", "invalid_parameter", ""),
            ("{not json", "invalid_json", nil),
            ("", "invalid_json", nil),
        ]
        for (body, reason, param) in cases {
            do {
                _ = try GenerationParameters(generationBody: Array(body.utf8))
                Issue.record("\(body) decoded")
            } catch {
                #expect(error.reason == reason, "\(body)")
                #expect(error.status.code == 400, "\(body)")
                #expect(error.details["param"] == param, "\(body)")
            }
        }
    }

    @Test func imagesBodyMapsSizeAndRefusesWhatItCannotDo() throws {
        let parameters = try GenerationParameters(
            imagesBody: Array(#"{"prompt":"x","n":1,"size":"768X512","response_format":"b64_json"}"#.utf8))
        #expect(parameters.width == 768 && parameters.height == 512 && parameters.prompt == "x")
        for (body, param) in [
            (#"{"prompt":"x","n":2}"#, "n"), (#"{"prompt":"x","response_format":"url"}"#, "response_format"),
            (#"{"prompt":"x","size":"512"}"#, "size"), (#"{"prompt":"x","size":"99999999999999999999x8"}"#, "size"),
        ] {
            do {
                _ = try GenerationParameters(imagesBody: Array(body.utf8))
                Issue.record("\(body) decoded")
            } catch {
                #expect(error.details["param"] == param, "\(body)")
            }
        }
    }

    /// Every committed fuzz seed decodes or is refused with a 400 or 422, never anything else.
    @Test func fuzzSeedsAreDecodedOrRefusedAsCallerErrors() throws {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        #expect(seeds.count >= 5)
        for seed in seeds {
            let input = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(seed)))
            guard let choice = input.first else { continue }
            let body = input.dropFirst()
            do {
                let parameters =
                    choice & 1 == 0
                    ? try GenerationParameters(generationBody: body) : try GenerationParameters(imagesBody: body)
                _ = try parameters.validated(for: QuotaLimits(maxSteps: 30), chain: ["local"]) { 42 }
            } catch {
                #expect([400, 422].contains(error.status.code), "\(seed): \(error.message)")
            }
        }
    }
}
