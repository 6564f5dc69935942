/// The UNet's bottleneck (`UNetMidBlock2DCrossAttn`): ResNet, spatial transformer, ResNet.
struct UNetMidBlock: Sendable {
    let first: WeightBacked<ResnetBlock>
    let attention: WeightBacked<SpatialTransformer>
    let second: WeightBacked<ResnetBlock>

    init(_ weights: WeightLoader, config: UNetConfig, timeChannels: Int) throws {
        let channels = config.blockOutChannels[config.blockOutChannels.count - 1]
        func resnet(_ index: Int) throws -> WeightBacked<ResnetBlock> {
            try WeightBacked(weights) { weights in
                try ResnetBlock(
                    weights, "mid_block.resnets.\(index)", input: channels, output: channels,
                    timeChannels: timeChannels, groups: config.normNumGroups, epsilon: config.normEps)
            }
        }
        first = try resnet(0)
        attention = try WeightBacked(weights) { weights in
            try SpatialTransformer(
                weights, "mid_block.attentions.0", channels: channels, heads: config.attentionHeads.last!,
                layers: config.transformerLayers.last!, contextWidth: config.crossAttentionDim,
                groups: config.normNumGroups, linearProjection: config.useLinearProjection)
        }
        second = try resnet(1)
    }

    func callAsFunction(_ input: Tensor, activatedTime: Tensor, context: Tensor) throws -> Tensor {
        let hidden = try attention.load()(try first.load()(input, activatedTime: activatedTime), context: context)
        return try second.load()(hidden, activatedTime: activatedTime)
    }
}
