/// PNDM with `skip_prk_steps` (pseudo linear multistep, SD 1.4's default): one extra evaluation at the start,
/// then Adams-Bashforth combinations of up to four earlier predictions.
struct PNDMScheduler: DiffusionScheduler {
    let timesteps: [Float]
    let initNoiseSigma: Float = 1
    private let schedule: NoiseSchedule
    private let integerTimesteps: [Int]
    private let stride: Int
    private let setAlphaToOne: Bool
    private var history: [[Float]] = []
    private var counter = 0
    private var firstSample: [Float]?

    init(steps: Int, configuration: SchedulerConfiguration) throws {
        guard configuration.skipPRKSteps else {
            throw SchedulerConfiguration.InvalidConfiguration(
                description: "PNDM without skip_prk_steps (Runge-Kutta warm-up) is not supported")
        }
        let train = configuration.trainTimesteps
        let base: [Int]
        switch configuration.timestepSpacing ?? .leading {
        case .leading:
            base = TimestepGrid.leading(count: steps, ratio: train / steps).map { $0 + configuration.stepsOffset }
        case .linspace:
            base = TimestepGrid.linspace(0, Double(train - 1), steps).map { Int(TimestepGrid.round($0)) }
        case .trailing:
            base = TimestepGrid.descending(from: Double(train), step: Double(train) / Double(steps))
                .map { Int(TimestepGrid.round($0)) - 1 }.reversed()
        }
        // plms: base[:-1] + base[-2:-1] + base[-1:], reversed.
        var plms = Array(base.dropLast())
        if base.count >= 2 { plms.append(base[base.count - 2]) }
        plms.append(base[base.count - 1])
        integerTimesteps = plms.reversed()
        timesteps = integerTimesteps.map(Float.init)
        schedule = NoiseSchedule(configuration)
        stride = train / steps
        setAlphaToOne = configuration.setAlphaToOne ?? false
    }

    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float] {
        var timestep = integerTimesteps[index]
        var previous = timestep - stride
        if counter != 1 {
            history = Array(history.suffix(3))
            history.append(modelOutput)
        } else {
            previous = timestep
            timestep += stride
        }
        var output = modelOutput
        var current = sample
        let ets = history
        switch (ets.count, counter) {
        case (1, 0):
            firstSample = sample
        case (1, 1):
            output = Latents.combine(modelOutput, ets[0]) { ($0 + $1) / 2 }
            current = firstSample ?? sample
            firstSample = nil
        case (2, _):
            output = Latents.combine(ets[1], ets[0]) { (3 * $0 - $1) / 2 }
        case (3, _):
            output = (0..<modelOutput.count).map { (23 * ets[2][$0] - 16 * ets[1][$0] + 5 * ets[0][$0]) / 12 }
        default:
            output = (0..<modelOutput.count).map {
                (1 / 24) * (55 * ets[3][$0] - 59 * ets[2][$0] + 37 * ets[1][$0] - 9 * ets[0][$0])
            }
        }
        counter += 1
        return previousSample(current, timestep: timestep, previous: previous, output: output)
    }

    private func previousSample(_ sample: [Float], timestep: Int, previous: Int, output: [Float]) -> [Float] {
        let alpha = schedule.alphaCumprod(at: timestep, setAlphaToOne: setAlphaToOne)
        let alphaPrevious = schedule.alphaCumprod(at: previous, setAlphaToOne: setAlphaToOne)
        let beta = 1 - alpha
        let betaPrevious = 1 - alphaPrevious
        let sampleCoefficient = (alphaPrevious / alpha).squareRoot()
        let denominator = alpha * betaPrevious.squareRoot() + (alpha * beta * alphaPrevious).squareRoot()
        let difference = alphaPrevious - alpha
        return Latents.combine(sample, output) { sampleCoefficient * $0 - difference * $1 / denominator }
    }
}
