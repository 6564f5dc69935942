/// SD 1.x's VAE decoder (diffusers' `AutoencoderKL.decode`): latents to an RGB image in about [-1, 1].
///
/// It does not apply the latent scaling factor: the pipeline divides latents by `config.scalingFactor`
/// (0.18215 for SD 1.x) before calling `decode`, as diffusers' `StableDiffusionPipeline` does.
public struct VAEDecoder: Sendable {
    public let config: VAEConfig
    let postQuantConv: Conv2d
    let convIn: Conv2d
    let midFirst: WeightBacked<ResnetBlock>
    let midAttention: WeightBacked<VAEAttention>?
    let midSecond: WeightBacked<ResnetBlock>
    let upBlocks: [[WeightBacked<ResnetBlock>]]
    let upsamplers: [WeightBacked<Conv2d>?]
    let normOut: GroupNorm
    let convOut: Conv2d
    /// The weights the blocks convert on use (mapped residency); nil when they are resident.
    let weights: WeightLoader?

    init(weights: WeightLoader, config: VAEConfig) throws {
        let latent = config.latentChannels
        let groups = config.normNumGroups
        let epsilon: Float = 1e-6
        let reversed = Array(config.blockOutChannels.reversed())
        let top = reversed[0]
        postQuantConv = try Conv2d(weights, "post_quant_conv", input: latent, output: latent, kernel: 1)
        convIn = try Conv2d(weights, "decoder.conv_in", input: latent, output: top, kernel: 3, padding: 1)
        func resnet(_ prefix: String, _ input: Int, _ output: Int) throws -> WeightBacked<ResnetBlock> {
            try WeightBacked(weights) { weights in
                try ResnetBlock(
                    weights, prefix, input: input, output: output, timeChannels: nil, groups: groups,
                    epsilon: epsilon)
            }
        }
        midFirst = try resnet("decoder.mid_block.resnets.0", top, top)
        midAttention =
            config.midBlockAddAttention
            ? try WeightBacked(weights) { weights in
                try VAEAttention(
                    weights, "decoder.mid_block.attentions.0", channels: top, groups: groups, epsilon: epsilon)
            } : nil
        midSecond = try resnet("decoder.mid_block.resnets.1", top, top)
        var blocks: [[WeightBacked<ResnetBlock>]] = []
        var upsamplers: [WeightBacked<Conv2d>?] = []
        for (index, output) in reversed.enumerated() {
            let input = index == 0 ? top : reversed[index - 1]
            let prefix = "decoder.up_blocks.\(index)"
            blocks.append(
                try (0...config.layersPerBlock).map {
                    try resnet("\(prefix).resnets.\($0)", $0 == 0 ? input : output, output)
                })
            upsamplers.append(
                index == reversed.count - 1
                    ? nil
                    : try WeightBacked(weights) { weights in
                        try Conv2d(
                            weights, "\(prefix).upsamplers.0.conv", input: output, output: output, kernel: 3,
                            padding: 1)
                    })
        }
        upBlocks = blocks
        self.upsamplers = upsamplers
        let bottom = reversed[reversed.count - 1]
        normOut = try GroupNorm(weights, "decoder.conv_norm_out", groups: groups, channels: bottom, epsilon: epsilon)
        convOut = try Conv2d(
            weights, "decoder.conv_out", input: bottom, output: config.outChannels, kernel: 3, padding: 1)
        self.config = config
        self.weights = weights.residency == .mapped ? weights : nil
    }

    /// Drops the mapped weight pages from resident memory until the next decode maps them in again (nothing
    /// to do when the weights are resident).
    func releaseMappedPages() { weights?.releaseMappedPages() }

    /// Decodes `latents` (`[N, latent_channels, h, w]`, already divided by `config.scalingFactor`) into
    /// `[N, out_channels, h * 2^(stages - 1), w * 2^(stages - 1)]`.
    ///
    /// Compute-bound: call it from a dedicated thread, not from Swift concurrency's cooperative pool.
    public func decode(_ latents: Tensor) throws -> Tensor {
        guard latents.shape.count == 4, latents.shape[1] == config.latentChannels, latents.shape[0] > 0,
            latents.shape[2] > 0, latents.shape[3] > 0
        else {
            throw ModelInputError.invalidShape(
                "VAE latents must be [N, \(config.latentChannels), h, w], got \(latents.shape)")
        }
        var hidden = convIn(postQuantConv(latents))
        hidden = try midFirst.load()(hidden)
        if let midAttention { hidden = try midAttention.load()(hidden) }
        hidden = try midSecond.load()(hidden)
        for (resnets, upsampler) in zip(upBlocks, upsamplers) {
            for resnet in resnets { hidden = try resnet.load()(hidden) }
            if let upsampler { hidden = try upsampler.load()(Upsample.nearest(hidden)) }
        }
        return convOut(normOut(hidden, thenSiLU: true))
    }
}
