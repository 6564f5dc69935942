/// The UNet's architecture, from `unet/config.json` (diffusers' `UNet2DConditionModel`), resolved per block.
public struct UNetConfig: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    /// Attention heads in each down block (up blocks use the list reversed, the mid block the last entry).
    public var attentionHeads: [Int]
    /// Transformer blocks inside each cross-attention block.
    public var transformerLayers: [Int]
    public var crossAttentionDim: Int
    public var normNumGroups: Int
    public var normEps: Float
    /// Whether down block `i` (and up block `count - 1 - i`) has cross-attention transformers.
    public var downBlockHasAttention: [Bool]
    public var upBlockHasAttention: [Bool]
    public var flipSinToCos: Bool
    public var freqShift: Float
    public var useLinearProjection: Bool
    public var downsamplePadding: Int
    public var sampleSize: Int?

    /// SD 1.4/1.5's UNet.
    public static let stableDiffusion1 = UNetConfig(
        inChannels: 4, outChannels: 4, blockOutChannels: [320, 640, 1280, 1280], layersPerBlock: 2,
        attentionHeads: [8, 8, 8, 8], transformerLayers: [1, 1, 1, 1], crossAttentionDim: 768, normNumGroups: 32,
        normEps: 1e-5, downBlockHasAttention: [true, true, true, false],
        upBlockHasAttention: [false, true, true, true],
        flipSinToCos: true, freqShift: 0, useLinearProjection: false, downsamplePadding: 1, sampleSize: 64)

    /// Reads and checks `unet/config.json`.
    public static func load(path: String) throws -> UNetConfig {
        try ModelConfig.decode(RawUNetConfig.self, from: path).resolved(source: path)
    }
}
