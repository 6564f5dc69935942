/// What the txt2img pipeline is asked to make.
public struct TextToImageRequest: Sendable, Hashable {
    public var prompt: String
    public var negativePrompt: String
    public var width: Int
    public var height: Int
    public var steps: Int
    /// Classifier-free guidance scale; 1 or less turns guidance off (one UNet input instead of two).
    public var guidance: Float
    /// The `torch.Generator("cpu").manual_seed` seed: the same seed gives diffusers' latents.
    public var seed: UInt64
    public var scheduler: SchedulerName

    public init(
        prompt: String, negativePrompt: String = "", width: Int = 512, height: Int = 512, steps: Int = 20,
        guidance: Float = 7.5, seed: UInt64 = 0, scheduler: SchedulerName = .pndm
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.seed = seed
        self.scheduler = scheduler
    }
}

/// An 8-bit RGB image and how long each stage took to make it.
public struct RenderedImage: Sendable {
    public var width: Int
    public var height: Int
    /// Row-major RGB, 3 bytes per pixel.
    public var rgb: [UInt8]
    public var timings: StageTimings
}

/// Wall time of each stage of one generation.
public struct StageTimings: Sendable, Hashable {
    public var textEncoding: Duration = .zero
    public var denoising: Duration = .zero
    public var decoding: Duration = .zero
    /// UNet evaluations made (PNDM makes one more than the step count).
    public var unetEvaluations = 0
}
