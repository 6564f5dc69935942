/// DDIM, deterministic (eta = 0, as the pipeline calls it).
struct DDIMScheduler: DiffusionScheduler {
    let timesteps: [Float]
    let initNoiseSigma: Float = 1
    private let integerTimesteps: [Int]
    private let schedule: NoiseSchedule
    private let stride: Int
    private let configuration: SchedulerConfiguration

    init(steps: Int, configuration: SchedulerConfiguration) {
        let train = configuration.trainTimesteps
        switch configuration.timestepSpacing ?? .leading {
        case .leading:
            integerTimesteps = TimestepGrid.leading(count: steps, ratio: train / steps).reversed()
                .map { $0 + configuration.stepsOffset }
        case .linspace:
            integerTimesteps = TimestepGrid.linspace(0, Double(train - 1), steps).reversed()
                .map { Int(TimestepGrid.round($0)) }
        case .trailing:
            integerTimesteps = TimestepGrid.descending(from: Double(train), step: Double(train) / Double(steps))
                .map { Int(TimestepGrid.round($0)) - 1 }
        }
        timesteps = integerTimesteps.map(Float.init)
        schedule = NoiseSchedule(configuration)
        stride = train / steps
        self.configuration = configuration
    }

    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float] {
        let timestep = integerTimesteps[index]
        let alpha = schedule.alphaCumprod(at: timestep, setAlphaToOne: configuration.setAlphaToOne)
        let alphaPrevious = schedule.alphaCumprod(at: timestep - stride, setAlphaToOne: configuration.setAlphaToOne)
        let betaRoot = (1 - alpha).squareRoot()
        let alphaRoot = alpha.squareRoot()
        let range = Float(configuration.clipSampleRange)
        let direction = (1 - alphaPrevious).squareRoot()
        let previousRoot = alphaPrevious.squareRoot()
        return Latents.combine(sample, modelOutput) { sample, epsilon in
            var original = (sample - betaRoot * epsilon) / alphaRoot
            if configuration.clipSample { original = min(max(original, -range), range) }
            return previousRoot * original + direction * epsilon
        }
    }
}
