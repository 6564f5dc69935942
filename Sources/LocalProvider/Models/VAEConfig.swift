/// The VAE's architecture, from `vae/config.json` (diffusers' `AutoencoderKL`); only the decoder is used.
public struct VAEConfig: Decodable, Sendable, Equatable {
    public var outChannels: Int
    public var latentChannels: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    public var normNumGroups: Int
    /// The factor the pipeline divides latents by before decoding (0.18215 for SD 1.x); `VAEDecoder` does not apply it.
    public var scalingFactor: Float
    public var midBlockAddAttention: Bool

    /// SD 1.4/1.5's VAE.
    public static let stableDiffusion1 = VAEConfig(
        outChannels: 3, latentChannels: 4, blockOutChannels: [128, 256, 512, 512], layersPerBlock: 2,
        normNumGroups: 32, scalingFactor: 0.182_15, midBlockAddAttention: true)

    public init(
        outChannels: Int, latentChannels: Int, blockOutChannels: [Int], layersPerBlock: Int, normNumGroups: Int,
        scalingFactor: Float, midBlockAddAttention: Bool
    ) {
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normNumGroups = normNumGroups
        self.scalingFactor = scalingFactor
        self.midBlockAddAttention = midBlockAddAttention
    }

    private enum CodingKeys: String, CodingKey {
        case outChannels, latentChannels, blockOutChannels, layersPerBlock, normNumGroups, scalingFactor
        case midBlockAddAttention, upBlockTypes
    }

    public init(from decoder: any Decoder) throws {
        let defaults = Self.stableDiffusion1
        let c = try decoder.container(keyedBy: CodingKeys.self)
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? defaults.outChannels
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? defaults.latentChannels
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? defaults.blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? defaults.layersPerBlock
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? defaults.normNumGroups
        scalingFactor = try c.decodeIfPresent(Float.self, forKey: .scalingFactor) ?? defaults.scalingFactor
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? true
        let upTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? []
        if let other = upTypes.first(where: { $0 != "UpDecoderBlock2D" }) {
            throw CheckpointError.unsupportedModel("VAE up block type \(other)")
        }
        guard !blockOutChannels.isEmpty, blockOutChannels.allSatisfy({ $0 > 0 }), layersPerBlock >= 1,
            latentChannels > 0, outChannels > 0, normNumGroups > 0
        else {
            throw CheckpointError.invalidConfig("VAE channels, norm groups and layers_per_block must be positive")
        }
    }

    /// Reads `vae/config.json`.
    public static func load(path: String) throws -> VAEConfig {
        try ModelConfig.decode(VAEConfig.self, from: path)
    }
}
