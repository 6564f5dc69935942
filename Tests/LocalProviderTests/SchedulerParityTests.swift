import Foundation
import LocalProvider
import Testing

/// Each scheduler follows diffusers' trajectory on a small latent, with a fixed function of the scaled
/// input standing in for the UNet (fixtures from scripts/fixtures/make_scheduler_fixtures.py).
@Suite struct SchedulerParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let scheduler: String
        let config: String
        let steps: Int
        var testDescription: String { "\(scheduler) \(config) \(steps) steps" }
    }

    static let cases: [Case] = ["sd", "sd14"].flatMap { config in
        SchedulerName.allCases.flatMap { name in [10, 20].map { Case(scheduler: name.rawValue, config: config, steps: $0) } }
    }

    static func configuration(_ name: String, document: [String: Any]) throws -> SchedulerConfiguration {
        let configs = try #require(document["configs"] as? [String: Any])
        let object = try #require(configs[name])
        return try SchedulerConfiguration(json: try JSONSerialization.data(withJSONObject: object))
    }

    /// The fixture script's stand-in for the UNet: `0.3 * x + 0.05 * cos(index * 0.7 + step)` in float32.
    static func fakeUNet(_ scaled: [Float], step: Int) -> [Float] {
        scaled.enumerated().map { index, value in 0.3 * value + 0.05 * cosf(Float(index) * 0.7 + Float(step)) }
    }

    @Test(arguments: cases) func followsDiffusers(_ testCase: Case) throws {
        let document = try ReferenceData.json("schedulers/schedulers.json")
        let records = try #require(document["cases"] as? [[String: Any]])
        let record = try #require(
            records.first {
                $0["scheduler"] as? String == testCase.scheduler && $0["config"] as? String == testCase.config
                    && $0["steps"] as? Int == testCase.steps
            })
        let name = try #require(SchedulerName(rawValue: testCase.scheduler))
        var scheduler = try name.make(
            steps: testCase.steps, configuration: try Self.configuration(testCase.config, document: document))

        #expect(scheduler.timesteps == floats(record["timesteps"]))
        let sigma = try #require((record["init_noise_sigma"] as? NSNumber)?.floatValue)
        #expect(abs(scheduler.initNoiseSigma - sigma) <= 1e-5 * sigma)

        var random = TorchRandom(seed: 31)
        var sample = random.normal(count: 64).map { $0 * scheduler.initNoiseSigma }
        #expect(relativeError(sample, floats(record["initial_sample"])) < 1e-6)
        let scaledInputs = try #require(record["scaled_inputs"] as? [Any])
        let samples = try #require(record["samples"] as? [Any])
        for index in scheduler.timesteps.indices {
            let scaled = scheduler.scaleModelInput(sample, index: index)
            #expect(relativeError(scaled, floats(scaledInputs[index])) < 1e-5, "scaled input at step \(index)")
            sample = scheduler.step(Self.fakeUNet(scaled, step: index), index: index, sample: sample, random: &random)
            let error = relativeError(sample, floats(samples[index]))
            #expect(error < 1e-5, "sample after step \(index): relative error \(error)")
        }
    }

    @Test func refusesUnsupportedConfigurations() {
        for json in [
            #"{"prediction_type": "v_prediction"}"#, #"{"beta_schedule": "squaredcos_cap_v2"}"#,
            #"{"timestep_spacing": "sideways"}"#, #"{"num_train_timesteps": "many"}"#, "[1, 2]", "not json",
        ] {
            #expect(throws: SchedulerConfiguration.InvalidConfiguration.self) {
                try SchedulerConfiguration(json: Data(json.utf8))
            }
        }
    }

    @Test func refusesStepCountsOutsideTheSchedule() {
        for steps in [0, -3, 1001] {
            #expect(throws: SchedulerConfiguration.InvalidConfiguration.self) {
                try SchedulerName.ddim.make(steps: steps, configuration: .stableDiffusion)
            }
        }
    }
}
