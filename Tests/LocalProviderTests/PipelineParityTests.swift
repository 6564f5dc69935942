import Foundation
import LocalProvider
import Testing

/// Whole generations against diffusers' StableDiffusionPipeline on two tiny models with CLIP's full
/// vocabulary (fixtures from scripts/fixtures/make_pipeline_fixtures.py): every scheduler, same prompt,
/// negative prompt, seed, steps and guidance; every pixel within 2/255.
@Suite struct PipelineParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let model: String
        let scheduler: String
        let file: String
        let size: Int
        let steps: Int
        let guidance: Float
        let seed: UInt64
        let prompt: String
        let negativePrompt: String
        var testDescription: String { "\(model) \(scheduler) guidance \(guidance)" }
    }

    static let cases: [Case] = {
        guard let document = try? ReferenceData.json("pipeline/cases.json"),
            let records = document["cases"] as? [[String: Any]]
        else { return [] }
        return records.compactMap { record in
            guard let model = record["model"] as? String, let scheduler = record["scheduler"] as? String,
                let file = record["file"] as? String, let size = record["width"] as? Int,
                let steps = record["steps"] as? Int, let guidance = (record["guidance"] as? NSNumber)?.floatValue,
                let seed = (record["seed"] as? NSNumber)?.uint64Value, let prompt = record["prompt"] as? String,
                let negative = record["negative_prompt"] as? String
            else { return nil }
            return Case(
                model: model, scheduler: scheduler, file: file, size: size, steps: steps, guidance: guidance,
                seed: seed, prompt: prompt, negativePrompt: negative)
        }
    }()

    static func pipeline(_ model: String) throws -> StableDiffusionPipeline {
        let folder = try ReferenceData.url("pipeline/\(model)").path
        let checkpoint = try StableDiffusionCheckpoint.load(path: folder)
        let tokenizer = try CLIPTokenizer(clipMergesGzipPath: try ReferenceData.url("bpe_simple_vocab_16e6.txt.gz").path)
        let configuration = try SchedulerConfiguration(
            json: try Data(contentsOf: try ReferenceData.url("pipeline/\(model)/scheduler/scheduler_config.json")))
        return try StableDiffusionPipeline(
            checkpoint: checkpoint, tokenizer: tokenizer, schedulerConfiguration: configuration)
    }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 14, "pipeline/cases.json is missing or incomplete; see docs/ENGINE.md")
    }

    @Test(arguments: cases) func matchesDiffusers(_ testCase: Case) throws {
        let pipeline = try Self.pipeline(testCase.model)
        let request = TextToImageRequest(
            prompt: testCase.prompt, negativePrompt: testCase.negativePrompt, width: testCase.size,
            height: testCase.size, steps: testCase.steps, guidance: testCase.guidance, seed: testCase.seed,
            scheduler: try #require(SchedulerName(rawValue: testCase.scheduler)))
        let image = try pipeline.generate(request)
        let expected = [UInt8](try Data(contentsOf: try ReferenceData.url("pipeline/\(testCase.file)")))
        #expect(image.rgb.count == expected.count)
        let worst = zip(image.rgb, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 2, "largest pixel difference \(worst)/255")
    }

    @Test func progressIsReportedPerEvaluationAndCancellationStopsBetweenSteps() throws {
        let pipeline = try Self.pipeline("narrow")
        let request = TextToImageRequest(prompt: "a cat", width: 32, height: 32, steps: 6, scheduler: .ddim)
        var reported: [Int] = []
        let error = #expect(throws: PipelineError.self) {
            try pipeline.generate(request, progress: { step, total in
                #expect(total == 6)
                reported.append(step)
            }, isCancelled: { reported.count >= 2 })
        }
        #expect(error?.reason == "cancelled")
        #expect(reported == [1, 2])
    }

    @Test func sizesTheModelCannotServeAreRefusedBeforeAnyWork() throws {
        let pipeline = try Self.pipeline("wider")
        for (width, height) in [(30, 32), (32, 0), (36, 32), (-32, 32)] {
            let error = #expect(throws: PipelineError.self) {
                try pipeline.generate(TextToImageRequest(prompt: "x", width: width, height: height))
            }
            #expect(error?.isInvalidRequest == true)
        }
    }
}
