/// SD 1.x's denoiser (diffusers' `UNet2DConditionModel`): predicts the noise in `latents` at `timestep`,
/// conditioned on the text encoder's hidden states.
public struct UNet: Sendable {
    public let config: UNetConfig
    let convIn: Conv2d
    let timeFeatures: TimestepEmbedding
    let timeLinear1: Linear
    let timeLinear2: Linear
    let downBlocks: [UNetDownBlock]
    let midBlock: UNetMidBlock
    let upBlocks: [UNetUpBlock]
    let normOut: GroupNorm
    let convOut: Conv2d
    /// The weights the blocks convert on use (mapped residency), or the file they were converted from.
    let weights: WeightLoader?

    init(weights: WeightLoader, config: UNetConfig) throws {
        let base = config.blockOutChannels[0]
        let timeChannels = base * 4
        convIn = try Conv2d(weights, "conv_in", input: config.inChannels, output: base, kernel: 3, padding: 1)
        timeFeatures = TimestepEmbedding(
            channels: base, flipSinToCos: config.flipSinToCos, frequencyShift: config.freqShift)
        timeLinear1 = try Linear(weights, "time_embedding.linear_1", input: base, output: timeChannels)
        timeLinear2 = try Linear(weights, "time_embedding.linear_2", input: timeChannels, output: timeChannels)
        downBlocks = try config.blockOutChannels.indices.map {
            try UNetDownBlock(weights, index: $0, config: config, timeChannels: timeChannels)
        }
        midBlock = try UNetMidBlock(weights, config: config, timeChannels: timeChannels)
        upBlocks = try config.blockOutChannels.indices.map {
            try UNetUpBlock(weights, index: $0, config: config, timeChannels: timeChannels)
        }
        normOut = try GroupNorm(
            weights, "conv_norm_out", groups: config.normNumGroups, channels: base, epsilon: config.normEps)
        convOut = try Conv2d(weights, "conv_out", input: base, output: config.outChannels, kernel: 3, padding: 1)
        self.config = config
        self.weights = weights.residency == .mapped ? weights : nil
    }

    /// Drops the mapped weight pages from resident memory until the next forward call maps them in again
    /// (nothing to do when the weights are resident).
    func releaseMappedPages() { weights?.releaseMappedPages() }

    /// The predicted noise, shaped like `latents` (`[N, in_channels, H, W]`, H and W divisible by
    /// 2^(stages - 1)); `context` is `[N, tokens, cross_attention_dim]`.
    ///
    /// Compute-bound: call it from a dedicated thread, not from Swift concurrency's cooperative pool.
    public func forward(latents: Tensor, timestep: Float, context: Tensor) throws -> Tensor {
        let factor = 1 << (config.blockOutChannels.count - 1)
        guard latents.shape.count == 4, latents.shape[1] == config.inChannels, latents.shape[0] > 0,
            latents.shape[2] > 0, latents.shape[3] > 0, latents.shape[2] % factor == 0, latents.shape[3] % factor == 0
        else {
            throw ModelInputError.invalidShape(
                "UNet latents must be [N, \(config.inChannels), H, W] with H and W multiples of \(factor), got \(latents.shape)"
            )
        }
        guard context.shape.count == 3, context.shape[0] == latents.shape[0], context.shape[1] > 0,
            context.shape[2] == config.crossAttentionDim
        else {
            throw ModelInputError.invalidShape(
                "UNet context must be [\(latents.shape[0]), tokens, \(config.crossAttentionDim)], got \(context.shape)")
        }
        let batch = latents.shape[0]
        // Every item has the same timestep: one row of time embedding serves them all.
        let features = timeFeatures(timestep)
        let time = Tensor(shape: [1, features.count], scalars: features.scalars)
        let activatedTime = Activation.silu(timeLinear2(Activation.silu(timeLinear1(time))))

        // A guided pair is the same latents twice, told apart only by its text context: up to the first
        // cross-attention both items compute the same thing, so that part runs once, on one item, and the first
        // transformer block repeats its result for every item before it attends to the context (`TransformerBlock`).
        var hidden = convIn(batch > 1 && latents.batchItemsAreIdentical ? latents.firstBatchItem() : latents)
        var skips = [hidden]
        for block in downBlocks {
            hidden = try block(hidden, activatedTime: activatedTime, context: context, skips: &skips)
        }
        hidden = try midBlock(hidden, activatedTime: activatedTime, context: context)
        // A UNet without attention so far (or none at all) still holds one item: every item from here on.
        skips = skips.map { $0.shape[0] == batch ? $0 : $0.repeatingBatch(batch) }
        if hidden.shape[0] != batch { hidden = hidden.repeatingBatch(batch) }
        for block in upBlocks {
            hidden = try block(hidden, activatedTime: activatedTime, context: context, skips: &skips)
        }
        return convOut(normOut(hidden, thenSiLU: true))
    }
}
