/// One denoising schedule for one generation: the timesteps the UNet is evaluated at, how its input is
/// scaled, and how each noise prediction moves the latents. Stateful (multistep methods remember earlier
/// predictions): make a new one per generation with `SchedulerName.make`.
public protocol DiffusionScheduler: Sendable {
    /// The timestep passed to the UNet at each evaluation (fractional for the sigma-based schedulers).
    var timesteps: [Float] { get }
    /// What the initial unit-variance noise is multiplied by.
    var initNoiseSigma: Float { get }
    /// The UNet's input at evaluation `index`.
    func scaleModelInput(_ sample: [Float], index: Int) -> [Float]
    /// The latents after evaluation `index`, from the (guided) noise prediction. Ancestral schedulers draw
    /// their fresh noise from `random`, as diffusers draws it from the pipeline's generator.
    mutating func step(_ modelOutput: [Float], index: Int, sample: [Float], random: inout TorchRandom) -> [Float]
}

extension DiffusionScheduler {
    public func scaleModelInput(_ sample: [Float], index: Int) -> [Float] { sample }
}

/// The schedulers the engine offers, by the names the API and the policy use.
public enum SchedulerName: String, CaseIterable, Sendable {
    case pndm
    case ddim
    case euler
    case eulerAncestral = "euler_a"
    case dpmpp2M = "dpmpp_2m"
    case dpmpp2MKarras = "dpmpp_2m_karras"

    /// A fresh scheduler for `steps` denoising steps under `configuration`.
    public func make(steps: Int, configuration: SchedulerConfiguration) throws -> any DiffusionScheduler {
        guard steps >= 1, steps <= configuration.trainTimesteps else {
            throw SchedulerConfiguration.InvalidConfiguration(
                description: "steps must be between 1 and \(configuration.trainTimesteps), got \(steps)")
        }
        switch self {
        case .pndm: return try PNDMScheduler(steps: steps, configuration: configuration)
        case .ddim: return DDIMScheduler(steps: steps, configuration: configuration)
        case .euler: return EulerScheduler(steps: steps, configuration: configuration, ancestral: false)
        case .eulerAncestral: return EulerScheduler(steps: steps, configuration: configuration, ancestral: true)
        case .dpmpp2M: return DPMSolverMultistepScheduler(steps: steps, configuration: configuration, karras: false)
        case .dpmpp2MKarras: return DPMSolverMultistepScheduler(steps: steps, configuration: configuration, karras: true)
        }
    }
}

/// Elementwise float32 arithmetic on latents, in the order torch evaluates the schedulers' expressions.
enum Latents {
    static func combine(_ a: [Float], _ b: [Float], _ body: (Float, Float) -> Float) -> [Float] {
        precondition(a.count == b.count, "latent sizes differ")
        return (0..<a.count).map { body(a[$0], b[$0]) }
    }
}
