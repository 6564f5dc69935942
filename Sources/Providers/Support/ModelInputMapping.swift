/// How a request becomes a remote model's JSON inputs and where the image is in its outputs.
/// The default is the common Stable Diffusion serverless template.
public struct ModelInputMapping: Sendable, Hashable {
    /// Input key for each request field; a field mapped to nil is not sent.
    public var prompt: String
    public var negativePrompt: String?
    public var width: String?
    public var height: String?
    public var steps: String?
    public var guidance: String?
    public var seed: String?
    public var scheduler: String?
    /// Output key holding the base64 image.
    public var imageOutput: String

    /// `prompt, negative_prompt, height, width, num_inference_steps, guidance_scale, seed` -> `image_base64`.
    public static let stableDiffusionTemplate = ModelInputMapping(
        prompt: "prompt", negativePrompt: "negative_prompt", width: "width", height: "height",
        steps: "num_inference_steps", guidance: "guidance_scale", seed: "seed", scheduler: nil,
        imageOutput: "image_base64")

    public init(
        prompt: String, negativePrompt: String?, width: String?, height: String?, steps: String?,
        guidance: String?, seed: String?, scheduler: String?, imageOutput: String
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.seed = seed
        self.scheduler = scheduler
        self.imageOutput = imageOutput
    }

    /// The model inputs for a request, as a JSON object.
    public func inputs(for request: GenerationRequest) -> [String: ProviderJSON] {
        var inputs: [String: ProviderJSON] = [prompt: .string(request.prompt)]
        if let negativePrompt { inputs[negativePrompt] = .string(request.negativePrompt) }
        if let width { inputs[width] = .integer(Int64(request.width)) }
        if let height { inputs[height] = .integer(Int64(request.height)) }
        if let steps { inputs[steps] = .integer(Int64(request.steps)) }
        if let guidance { inputs[guidance] = .number(request.guidance) }
        if let seed { inputs[seed] = .integer(Int64(clamping: request.seed)) }
        if let scheduler, let name = request.scheduler { inputs[scheduler] = .string(name) }
        return inputs
    }
}
