import Foundation

/// SD 1.x text-to-image, step for step as diffusers' `StableDiffusionPipeline` on CPU: prompt and negative
/// prompt through CLIP, latents from the torch-compatible seed, the scheduler's denoising loop with
/// classifier-free guidance, the VAE decode, then clamping and rounding to 8-bit RGB.
///
/// Compute-bound and synchronous: run it on a dedicated thread. Progress is reported after every UNet
/// evaluation, and `isCancelled` is asked between evaluations.
public struct StableDiffusionPipeline: Sendable {
    public let checkpoint: StableDiffusionCheckpoint
    public let tokenizer: CLIPTokenizer
    public let schedulerConfiguration: SchedulerConfiguration

    public init(
        checkpoint: StableDiffusionCheckpoint, tokenizer: CLIPTokenizer? = nil,
        schedulerConfiguration: SchedulerConfiguration = .stableDiffusion
    ) throws {
        guard let tokenizer = tokenizer ?? checkpoint.tokenizer else {
            throw PipelineError.missingTokenizer(
                "the checkpoint has no tokenizer/ folder; give a tokenizer (CLIP's bpe_simple_vocab_16e6.txt.gz, or a "
                    + "folder with vocab.json and merges.txt) or a config folder that has one")
        }
        self.checkpoint = checkpoint
        self.tokenizer = tokenizer
        self.schedulerConfiguration = schedulerConfiguration
    }

    /// Loads a diffusers folder or a single `.safetensors` file (with an optional config folder for its
    /// configs, tokenizer and scheduler) into a pipeline. `tokenizerPath` (CLIP's
    /// `bpe_simple_vocab_16e6.txt.gz`, or a folder with `vocab.json` and `merges.txt`) replaces a missing
    /// or different tokenizer. `residency` says whether weights become float32 once at load or per block on use.
    public static func load(
        path: String, configFolder: String? = nil, variant: String? = nil, tokenizerPath: String? = nil,
        residency: WeightResidency = .mapped
    ) throws -> StableDiffusionPipeline {
        let checkpoint = try StableDiffusionCheckpoint.load(
            path: path, variant: variant, configFolder: configFolder, residency: residency)
        let tokenizer = try tokenizerPath.map { path in
            path.hasSuffix(".gz")
                ? try CLIPTokenizer(clipMergesGzipPath: path)
                : try CLIPTokenizer(vocabularyPath: "\(path)/vocab.json", mergesPath: "\(path)/merges.txt")
        }
        var isDirectory: ObjCBool = false
        let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        let folder = isFolder ? path : configFolder
        var configuration = SchedulerConfiguration.stableDiffusion
        if let folder, let data = FileManager.default.contents(atPath: "\(folder)/scheduler/scheduler_config.json") {
            configuration = try SchedulerConfiguration(json: data)
        }
        return try StableDiffusionPipeline(
            checkpoint: checkpoint, tokenizer: tokenizer, schedulerConfiguration: configuration)
    }

    /// How many image pixels one latent covers along each side (8 for SD 1.x): 2^(VAE stages - 1).
    public var vaeScaleFactor: Int { 1 << (checkpoint.vaeDecoder.config.blockOutChannels.count - 1) }

    /// Checks a request against the model before any work is done.
    public func validate(_ request: TextToImageRequest) throws {
        let pixelsPerLatent = vaeScaleFactor
        let factor = pixelsPerLatent << (checkpoint.unet.config.blockOutChannels.count - 1)
        guard request.width > 0, request.height > 0, request.width % pixelsPerLatent == 0,
            request.height % pixelsPerLatent == 0
        else {
            throw PipelineError.invalidRequest(
                "width and height must be positive multiples of \(pixelsPerLatent), got \(request.width)x\(request.height)")
        }
        guard request.width % factor == 0, request.height % factor == 0 else {
            throw PipelineError.invalidRequest(
                "this model needs width and height in multiples of \(factor), got \(request.width)x\(request.height)")
        }
        guard request.steps >= 1, request.steps <= schedulerConfiguration.trainTimesteps else {
            throw PipelineError.invalidRequest("steps must be between 1 and \(schedulerConfiguration.trainTimesteps)")
        }
        guard request.guidance.isFinite, request.guidance >= 0 else {
            throw PipelineError.invalidRequest("guidance must be a finite number of 0 or more")
        }
    }

    /// Makes one image. `progress(k, n)` follows UNet evaluation `k` of `n`.
    public func generate(
        _ request: TextToImageRequest, progress: (Int, Int) -> Void = { _, _ in },
        isCancelled: () -> Bool = { false }
    ) throws -> RenderedImage {
        try validate(request)
        var timings = StageTimings()
        let clock = ContinuousClock()
        let guided = request.guidance > 1

        var started = clock.now
        let prompts = guided ? [request.negativePrompt, request.prompt] : [request.prompt]
        let context = try checkpoint.textEncoder.forward(tokenIDs: prompts.map(tokenizer.encode))
        timings.textEncoding = clock.now - started
        // With mapped weights, each network's pages leave resident memory once it is done for this image.
        checkpoint.textEncoder.releaseMappedPages()

        started = clock.now
        var scheduler = try request.scheduler.make(steps: request.steps, configuration: schedulerConfiguration)
        var random = TorchRandom(seed: request.seed)
        let channels = checkpoint.unet.config.inChannels
        let latentShape = [1, channels, request.height / vaeScaleFactor, request.width / vaeScaleFactor]
        var latents = random.normal(count: latentShape.reduce(1, *)).map { $0 * scheduler.initNoiseSigma }
        let total = scheduler.timesteps.count
        for (index, timestep) in scheduler.timesteps.enumerated() {
            if isCancelled() { throw PipelineError.cancelled }
            let scaled = scheduler.scaleModelInput(latents, index: index)
            let input = Tensor(shape: [prompts.count] + latentShape.dropFirst(), scalars: Array(repeating: scaled, count: prompts.count).flatMap { $0 })
            let prediction = try checkpoint.unet.forward(latents: input, timestep: timestep, context: context)
            let noise: [Float]
            if guided {
                let half = latents.count
                let guidance = request.guidance
                noise = (0..<half).map { i in
                    let unconditional = prediction.scalars[i]
                    return unconditional + guidance * (prediction.scalars[half + i] - unconditional)
                }
            } else {
                noise = prediction.scalars
            }
            latents = scheduler.step(noise, index: index, sample: latents, random: &random)
            timings.unetEvaluations += 1
            progress(index + 1, total)
        }
        timings.denoising = clock.now - started
        checkpoint.unet.releaseMappedPages()

        if isCancelled() { throw PipelineError.cancelled }
        started = clock.now
        let scale = checkpoint.vaeDecoder.config.scalingFactor
        let decoded = try checkpoint.vaeDecoder.decode(Tensor(shape: latentShape, scalars: latents.map { $0 / scale }))
        timings.decoding = clock.now - started
        checkpoint.vaeDecoder.releaseMappedPages()
        return RenderedImage(
            width: request.width, height: request.height, rgb: Self.rgbBytes(decoded), timings: timings)
    }

    /// diffusers' post-processing: `(x / 2 + 0.5).clamp(0, 1)`, times 255, rounded half to even, as HWC bytes.
    static func rgbBytes(_ image: Tensor) -> [UInt8] {
        let height = image.shape[2]
        let width = image.shape[3]
        let plane = height * width
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        for channel in 0..<3 {
            for pixel in 0..<plane {
                let value = min(max(image.scalars[channel * plane + pixel] / 2 + 0.5, 0), 1)
                bytes[pixel * 3 + channel] = UInt8((value * 255).rounded(.toNearestOrEven))
            }
        }
        return bytes
    }
}
