import Foundation

/// A checkpoint's `scheduler/scheduler_config.json`: the noise schedule the model was trained with and how
/// diffusers spaces inference timesteps. Keys a scheduler does not use are ignored, as diffusers does.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// How inference timesteps are spread over the training timesteps.
    public enum TimestepSpacing: String, Sendable, Hashable {
        case linspace, leading, trailing
    }

    public var trainTimesteps = 1000
    public var betaStart = 0.00085
    public var betaEnd = 0.012
    /// `scaled_linear` (SD 1.x) or `linear`.
    public var betaSchedule = "scaled_linear"
    /// Only `epsilon` (SD 1.x) is supported.
    public var predictionType = "epsilon"
    /// nil when absent: PNDM then uses false and DDIM true, their diffusers defaults.
    public var setAlphaToOne: Bool? = false
    public var stepsOffset = 1
    public var skipPRKSteps = true
    /// nil when absent: DDIM then clips its predicted sample, as diffusers' default does.
    public var clipSample: Bool? = false
    public var clipSampleRange = 1.0
    /// nil when the file predates the key: each scheduler then uses its own default, as diffusers does.
    public var timestepSpacing: TimestepSpacing?

    /// SD 1.4/1.5's scheduler configuration.
    public static let stableDiffusion = SchedulerConfiguration()

    public init() {}

    /// Why a scheduler configuration cannot be used.
    public struct InvalidConfiguration: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads `scheduler_config.json`, refusing values the engine does not implement. Absent keys take
    /// diffusers' defaults for the scheduler in use, not SD 1.x's values.
    public init(json data: Data) throws {
        setAlphaToOne = nil
        clipSample = nil
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InvalidConfiguration(description: "scheduler_config.json is not a JSON object")
        }
        func number(_ key: String) throws -> Double? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let number = value as? NSNumber else {
                throw InvalidConfiguration(description: "scheduler_config.json: '\(key)' must be a number")
            }
            return number.doubleValue
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let flag = value as? Bool else {
                throw InvalidConfiguration(description: "scheduler_config.json: '\(key)' must be true or false")
            }
            return flag
        }
        if let value = try number("num_train_timesteps") {
            guard value >= 2, value <= 100_000, value == value.rounded() else {
                throw InvalidConfiguration(description: "scheduler_config.json: num_train_timesteps \(value) is out of range")
            }
            trainTimesteps = Int(value)
        }
        betaStart = try number("beta_start") ?? betaStart
        betaEnd = try number("beta_end") ?? betaEnd
        guard betaStart > 0, betaEnd > betaStart, betaEnd < 1 else {
            throw InvalidConfiguration(description: "scheduler_config.json: need 0 < beta_start < beta_end < 1")
        }
        if let schedule = object["beta_schedule"] as? String { betaSchedule = schedule }
        guard ["scaled_linear", "linear"].contains(betaSchedule) else {
            throw InvalidConfiguration(description: "beta_schedule '\(betaSchedule)' is not supported (scaled_linear, linear)")
        }
        if object["trained_betas"].map({ !($0 is NSNull) }) == true {
            throw InvalidConfiguration(description: "trained_betas are not supported")
        }
        if let prediction = object["prediction_type"] as? String { predictionType = prediction }
        guard predictionType == "epsilon" else {
            throw InvalidConfiguration(description: "prediction_type '\(predictionType)' is not supported (epsilon)")
        }
        setAlphaToOne = try flag("set_alpha_to_one")
        skipPRKSteps = try flag("skip_prk_steps") ?? false
        clipSample = try flag("clip_sample")
        clipSampleRange = try number("clip_sample_range") ?? clipSampleRange
        stepsOffset = Int(try number("steps_offset") ?? 0)
        if let spacing = object["timestep_spacing"] as? String {
            guard let parsed = TimestepSpacing(rawValue: spacing) else {
                throw InvalidConfiguration(description: "timestep_spacing '\(spacing)' is not one of linspace, leading, trailing")
            }
            timestepSpacing = parsed
        }
    }
}
