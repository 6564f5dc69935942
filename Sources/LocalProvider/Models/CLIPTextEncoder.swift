/// CLIP's text transformer (SD 1.x's text encoder): token and position embeddings, causal pre-norm layers with
/// quick GELU, and a final layer norm whose output conditions the UNet.
public struct CLIPTextEncoder: Sendable {
    public let config: CLIPTextConfig
    let tokenEmbedding: WeightBacked<Tensor>
    let positionEmbedding: WeightBacked<Tensor>
    let layers: [WeightBacked<CLIPEncoderLayer>]
    let finalNorm: LayerNorm
    /// The weights the layers convert on use (mapped residency); nil when they are resident.
    let weights: WeightLoader?

    /// Loads the weights; keys may carry transformers' `text_model.` prefix or not (transformers 5.x drops it).
    init(weights: WeightLoader, config: CLIPTextConfig) throws {
        let weights =
            weights.contains("text_model.embeddings.token_embedding.weight") ? weights.scoped("text_model.") : weights
        let width = config.hiddenSize
        tokenEmbedding = try WeightBacked(weights) {
            try $0.tensor("embeddings.token_embedding.weight", shape: [config.vocabSize, width])
        }
        positionEmbedding = try WeightBacked(weights) {
            try $0.tensor("embeddings.position_embedding.weight", shape: [config.maxPositionEmbeddings, width])
        }
        layers = try (0..<config.numHiddenLayers).map { index in
            try WeightBacked(weights) { try CLIPEncoderLayer($0, "encoder.layers.\(index)", config: config) }
        }
        finalNorm = try LayerNorm(weights, "final_layer_norm", features: width, epsilon: config.layerNormEps)
        self.config = config
        self.weights = weights.residency == .mapped ? weights : nil
    }

    /// Drops the mapped weight pages from resident memory until the next forward call maps them in again
    /// (nothing to do when the weights are resident).
    func releaseMappedPages() { weights?.releaseMappedPages() }

    /// The last hidden state `[batch, tokens, hidden]` for each row of token ids (all rows the same length,
    /// at most `maxPositionEmbeddings`, usually 77 from `CLIPTokenizer.encode`).
    ///
    /// Compute-bound: call it from a dedicated thread, not from Swift concurrency's cooperative pool.
    public func forward(tokenIDs: [[Int]]) throws -> Tensor {
        guard let length = tokenIDs.first?.count, length > 0, tokenIDs.allSatisfy({ $0.count == length }) else {
            throw ModelInputError.invalidShape("text encoder needs one or more token rows of equal, non-zero length")
        }
        guard length <= config.maxPositionEmbeddings else {
            throw ModelInputError.invalidShape(
                "text encoder takes at most \(config.maxPositionEmbeddings) tokens, got \(length)")
        }
        if let bad = tokenIDs.joined().first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw ModelInputError.tokenOutOfRange("token id \(bad) is outside the vocabulary of \(config.vocabSize)")
        }
        let width = config.hiddenSize
        let tokenEmbedding = try tokenEmbedding.load()
        let positionEmbedding = try positionEmbedding.load()
        var hidden = Tensor(shape: [tokenIDs.count, length, width]) { buffer in
            for (row, ids) in tokenIDs.enumerated() {
                for (position, id) in ids.enumerated() {
                    let target = (row * length + position) * width
                    for channel in 0..<width {
                        buffer[target + channel] =
                            tokenEmbedding.scalars[id * width + channel]
                            + positionEmbedding.scalars[position * width + channel]
                    }
                }
            }
        }
        for layer in layers { hidden = try layer.load()(hidden) }
        return finalNorm(hidden)
    }
}
