/// DDIM, deterministic (eta = 0, as the pipeline calls it).
struct DDIMScheduler: DiffusionScheduler {
    let timesteps: [Float]
    let initNoiseSigma: Float = 1
    private let integerTimesteps: [Int]
    private let schedule: NoiseSchedule
    private let stride: Int
    private let setAlphaToOne: Bool
    private let clipRange: Float?

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
        setAlphaToOne = configuration.setAlphaToOne ?? true
        clipRange = configuration.clipSample ?? true ? Float(configuration.clipSampleRange) : nil
    }

    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float] {
        let timestep = integerTimesteps[index]
        let alpha = schedule.alphaCumprod(at: timestep, setAlphaToOne: setAlphaToOne)
        let alphaPrevious = schedule.alphaCumprod(at: timestep - stride, setAlphaToOne: setAlphaToOne)
        let betaRoot = (1 - alpha).squareRoot()
        let alphaRoot = alpha.squareRoot()
        let clipRange = self.clipRange
        let direction = (1 - alphaPrevious).squareRoot()
        let previousRoot = alphaPrevious.squareRoot()
        return Latents.combine(sample, modelOutput) { sample, epsilon in
            var original = (sample - betaRoot * epsilon) / alphaRoot
            if let clipRange { original = min(max(original, -clipRange), clipRange) }
            return previousRoot * original + direction * epsilon
        }
    }
}
