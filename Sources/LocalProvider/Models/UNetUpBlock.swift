/// A UNet decoder stage (`CrossAttnUpBlock2D` or `UpBlock2D`): ResNets over the hidden state concatenated with
/// the matching encoder outputs, each optionally followed by a spatial transformer, then a 2x nearest upsample
/// and 3x3 convolution unless it is the last stage.
struct UNetUpBlock: Sendable {
    let resnets: [WeightBacked<ResnetBlock>]
    let attentions: [WeightBacked<SpatialTransformer>]
    let upsampler: WeightBacked<Conv2d>?

    init(_ weights: WeightLoader, index: Int, config: UNetConfig, timeChannels: Int) throws {
        let prefix = "up_blocks.\(index)"
        let reversed = Array(config.blockOutChannels.reversed())
        let count = reversed.count
        let output = reversed[index]
        let previousOutput = index == 0 ? reversed[0] : reversed[index - 1]
        let skipInput = reversed[min(index + 1, count - 1)]
        let layers = config.layersPerBlock + 1
        resnets = try (0..<layers).map { layer in
            let skipChannels = layer == layers - 1 ? skipInput : output
            let hiddenChannels = layer == 0 ? previousOutput : output
            return try WeightBacked(weights) { weights in
                try ResnetBlock(
                    weights, "\(prefix).resnets.\(layer)", input: hiddenChannels + skipChannels, output: output,
                    timeChannels: timeChannels, groups: config.normNumGroups, epsilon: config.normEps)
            }
        }
        let heads = config.attentionHeads.reversed()[index]
        let transformerLayers = config.transformerLayers.reversed()[index]
        attentions =
            config.upBlockHasAttention[index]
            ? try (0..<layers).map { layer in
                try WeightBacked(weights) { weights in
                    try SpatialTransformer(
                        weights, "\(prefix).attentions.\(layer)", channels: output, heads: heads,
                        layers: transformerLayers, contextWidth: config.crossAttentionDim,
                        groups: config.normNumGroups, linearProjection: config.useLinearProjection)
                }
            } : []
        upsampler =
            index == count - 1
            ? nil
            : try WeightBacked(weights) { weights in
                try Conv2d(
                    weights, "\(prefix).upsamplers.0.conv", input: output, output: output, kernel: 3, padding: 1)
            }
    }

    /// Runs the stage, taking its encoder outputs from the end of `skips`.
    func callAsFunction(_ input: Tensor, activatedTime: Tensor, context: Tensor, skips: inout [Tensor]) throws
        -> Tensor
    {
        var hidden = input
        for (layer, resnet) in resnets.enumerated() {
            let joined = Tensor.concatenatingChannels(hidden, skips.removeLast())
            hidden = try resnet.load()(joined, activatedTime: activatedTime)
            if !attentions.isEmpty { hidden = try attentions[layer].load()(hidden, context: context) }
        }
        if let upsampler { hidden = try upsampler.load()(Upsample.nearest(hidden)) }
        return hidden
    }
}
