/// The CLIP text encoder's architecture, from `text_encoder/config.json` (transformers' `CLIPTextConfig`).
public struct CLIPTextConfig: Decodable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var maxPositionEmbeddings: Int
    public var layerNormEps: Float
    /// `quick_gelu` for SD 1.x (OpenAI CLIP), `gelu` for others.
    public var hiddenAct: String

    /// OpenAI CLIP ViT-L/14's text tower, the encoder of SD 1.4/1.5.
    public static let stableDiffusion1 = CLIPTextConfig(
        vocabSize: 49_408, hiddenSize: 768, intermediateSize: 3072, numHiddenLayers: 12, numAttentionHeads: 12,
        maxPositionEmbeddings: 77, layerNormEps: 1e-5, hiddenAct: "quick_gelu")

    public init(
        vocabSize: Int, hiddenSize: Int, intermediateSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
        maxPositionEmbeddings: Int, layerNormEps: Float, hiddenAct: String
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
    }

    private enum CodingKeys: String, CodingKey {
        case vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, maxPositionEmbeddings
        case layerNormEps, hiddenAct
    }

    public init(from decoder: any Decoder) throws {
        let defaults = Self.stableDiffusion1
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try container.decodeIfPresent(Int.self, forKey: .vocabSize) ?? defaults.vocabSize
        hiddenSize = try container.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? defaults.hiddenSize
        intermediateSize =
            try container.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? defaults.intermediateSize
        numHiddenLayers = try container.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? defaults.numHiddenLayers
        numAttentionHeads =
            try container.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? defaults.numAttentionHeads
        maxPositionEmbeddings =
            try container.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? defaults.maxPositionEmbeddings
        layerNormEps = try container.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? defaults.layerNormEps
        hiddenAct = try container.decodeIfPresent(String.self, forKey: .hiddenAct) ?? defaults.hiddenAct
        let sizes = [vocabSize, hiddenSize, intermediateSize, numAttentionHeads, maxPositionEmbeddings]
        guard sizes.allSatisfy({ $0 > 0 }), numHiddenLayers >= 0 else {
            throw CheckpointError.invalidConfig("text encoder config: sizes, heads and layer counts must be positive")
        }
    }
}
