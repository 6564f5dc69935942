/// A UNet encoder stage (`CrossAttnDownBlock2D` or `DownBlock2D`): ResNets, each optionally followed by a
/// spatial transformer, then a stride-2 convolution unless it is the last stage.
struct UNetDownBlock: Sendable {
    let resnets: [WeightBacked<ResnetBlock>]
    let attentions: [WeightBacked<SpatialTransformer>]
    let downsampler: WeightBacked<Conv2d>?

    init(_ weights: WeightLoader, index: Int, config: UNetConfig, timeChannels: Int) throws {
        let prefix = "down_blocks.\(index)"
        let output = config.blockOutChannels[index]
        let input = index == 0 ? config.blockOutChannels[0] : config.blockOutChannels[index - 1]
        resnets = try (0..<config.layersPerBlock).map { layer in
            try WeightBacked(weights) { weights in
                try ResnetBlock(
                    weights, "\(prefix).resnets.\(layer)", input: layer == 0 ? input : output, output: output,
                    timeChannels: timeChannels, groups: config.normNumGroups, epsilon: config.normEps)
            }
        }
        attentions =
            config.downBlockHasAttention[index]
            ? try (0..<config.layersPerBlock).map { layer in
                try WeightBacked(weights) { weights in
                    try SpatialTransformer(
                        weights, "\(prefix).attentions.\(layer)", channels: output,
                        heads: config.attentionHeads[index], layers: config.transformerLayers[index],
                        contextWidth: config.crossAttentionDim, groups: config.normNumGroups,
                        linearProjection: config.useLinearProjection)
                }
            } : []
        downsampler =
            index == config.blockOutChannels.count - 1
            ? nil
            : try WeightBacked(weights) { weights in
                try Conv2d(
                    weights, "\(prefix).downsamplers.0.conv", input: output, output: output, kernel: 3, stride: 2,
                    padding: config.downsamplePadding)
            }
    }

    /// Runs the stage, appending every intermediate output to `skips` for the decoder.
    func callAsFunction(_ input: Tensor, activatedTime: Tensor, context: Tensor, skips: inout [Tensor]) throws
        -> Tensor
    {
        var hidden = input
        for (layer, resnet) in resnets.enumerated() {
            hidden = try resnet.load()(hidden, activatedTime: activatedTime)
            if !attentions.isEmpty { hidden = try attentions[layer].load()(hidden, context: context) }
            skips.append(hidden)
        }
        if let downsampler {
            hidden = try downsampler.load()(hidden)
            skips.append(hidden)
        }
        return hidden
    }
}
