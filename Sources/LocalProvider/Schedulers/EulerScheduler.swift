/// Euler's method on the sigma schedule (Karras et al.'s "Euler"), and its ancestral variant that removes
/// part of the noise each step and adds fresh noise drawn from the generator.
struct EulerScheduler: DiffusionScheduler {
    let timesteps: [Float]
    let initNoiseSigma: Float
    private let sigmas: [Float]
    private let ancestral: Bool

    init(steps: Int, configuration: SchedulerConfiguration, ancestral: Bool) {
        let train = configuration.trainTimesteps
        let spacing = configuration.timestepSpacing ?? .linspace
        let grid: [Float]
        switch spacing {
        case .linspace:
            grid = TimestepGrid.linspace(0, Double(train - 1), steps).reversed().map { Float($0) }
        case .leading:
            grid = TimestepGrid.leading(count: steps, ratio: train / steps).reversed()
                .map { Float($0 + configuration.stepsOffset) }
        case .trailing:
            grid = TimestepGrid.descending(from: Double(train), step: Double(train) / Double(steps))
                .map { Float(TimestepGrid.round($0)) - 1 }
        }
        let schedule = NoiseSchedule(configuration)
        sigmas = schedule.interpolatedSigmas(at: grid.map(Double.init)).map { Float($0) } + [0]
        timesteps = grid
        let maxSigma = sigmas.max() ?? 0
        initNoiseSigma = spacing == .leading ? (maxSigma * maxSigma + 1).squareRoot() : maxSigma
        self.ancestral = ancestral
    }

    func scaleModelInput(_ sample: [Float], index: Int) -> [Float] {
        let scale = (sigmas[index] * sigmas[index] + 1).squareRoot()
        return sample.map { $0 / scale }
    }

    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float] {
        let sigma = sigmas[index]
        let next = sigmas[index + 1]
        guard ancestral else {
            let dt = next - sigma
            return Latents.combine(sample, modelOutput) { sample, epsilon in
                let original = sample - sigma * epsilon
                return sample + (sample - original) / sigma * dt
            }
        }
        let sigmaUp = (next * next * (sigma * sigma - next * next) / (sigma * sigma)).squareRoot()
        let sigmaDown = (next * next - sigmaUp * sigmaUp).squareRoot()
        let dt = sigmaDown - sigma
        let noise = random.normal(count: sample.count)
        return (0..<sample.count).map { index in
            let original = sample[index] - sigma * modelOutput[index]
            return sample[index] + (sample[index] - original) / sigma * dt + noise[index] * sigmaUp
        }
    }
}
