import Foundation

/// DPM-Solver++ (2M): second-order multistep on data predictions, first order at the first and last step;
/// optionally on Karras sigmas.
struct DPMSolverMultistepScheduler: DiffusionScheduler {
    let timesteps: [Float]
    let initNoiseSigma: Float = 1
    private let sigmas: [Float]
    private var previousPrediction: [Float]?

    init(steps: Int, configuration: SchedulerConfiguration, karras: Bool) {
        let train = configuration.trainTimesteps
        let schedule = NoiseSchedule(configuration)
        var grid: [Double]
        switch configuration.timestepSpacing ?? .linspace {
        case .linspace:
            grid = TimestepGrid.linspace(0, Double(train - 1), steps + 1).map(TimestepGrid.round).reversed().dropLast()
        case .leading:
            grid = TimestepGrid.leading(count: steps + 1, ratio: train / (steps + 1)).reversed().dropLast()
                .map { Double($0 + configuration.stepsOffset) }
        case .trailing:
            grid = TimestepGrid.descending(from: Double(train), step: Double(train) / Double(steps))
                .map { TimestepGrid.round($0) - 1 }
        }
        let interior: [Double]
        if karras {
            interior = NoiseSchedule.karrasSigmas(
                from: Double(schedule.sigmas[train - 1]), to: Double(schedule.sigmas[0]), count: steps)
            grid = interior.map { TimestepGrid.round(schedule.timestep(forSigma: $0)) }
        } else {
            interior = schedule.interpolatedSigmas(at: grid)
        }
        sigmas = interior.map { Float($0) } + [0]
        timesteps = grid.map { Float($0) }
    }

    private static func alphaSigma(_ sigma: Float) -> (alpha: Float, sigma: Float) {
        let alpha = 1 / (sigma * sigma + 1).squareRoot()
        return (alpha, sigma * alpha)
    }

    private static func lambda(_ pair: (alpha: Float, sigma: Float)) -> Float { logf(pair.alpha) - logf(pair.sigma) }

    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float] {
        let current = Self.alphaSigma(sigmas[index])
        let prediction = Latents.combine(sample, modelOutput) { ($0 - current.sigma * $1) / current.alpha }
        let target = Self.alphaSigma(sigmas[index + 1])
        let h = Self.lambda(target) - Self.lambda(current)
        let ratio = target.sigma / current.sigma
        let factor = target.alpha * (expf(-h) - 1.0)
        let isLast = index == timesteps.count - 1
        defer { previousPrediction = prediction }
        guard let earlier = previousPrediction, !isLast, index > 0 else {
            return Latents.combine(sample, prediction) { ratio * $0 - factor * $1 }
        }
        let before = Self.alphaSigma(sigmas[index - 1])
        let r0 = (Self.lambda(current) - Self.lambda(before)) / h
        let inverse = 1.0 / r0
        return (0..<sample.count).map { i in
            let d1 = inverse * (prediction[i] - earlier[i])
            return ratio * sample[i] - factor * prediction[i] - 0.5 * factor * d1
        }
    }
}
