/// CLIP's text transformer (SD 1.x's text encoder): token and position embeddings, causal pre-norm layers with
/// quick GELU, and a final layer norm whose output conditions the UNet.
public struct CLIPTextEncoder: Sendable {
    public let config: CLIPTextConfig
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalNorm: LayerNorm

    /// Loads the weights; keys may carry transformers' `text_model.` prefix or not (transformers 5.x drops it).
    init(weights: WeightLoader, config: CLIPTextConfig) throws {
        let weights =
            weights.contains("text_model.embeddings.token_embedding.weight") ? weights.scoped("text_model.") : weights
        let width = config.hiddenSize
        tokenEmbedding = try weights.tensor(
            "embeddings.token_embedding.weight", shape: [config.vocabSize, width])
        positionEmbedding = try weights.tensor(
            "embeddings.position_embedding.weight", shape: [config.maxPositionEmbeddings, width])
        layers = try (0..<config.numHiddenLayers).map {
            try CLIPEncoderLayer(weights, "encoder.layers.\($0)", config: config)
        }
        finalNorm = try LayerNorm(weights, "final_layer_norm", features: width, epsilon: config.layerNormEps)
        self.config = config
    }

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
        for layer in layers { hidden = layer(hidden) }
        return finalNorm(hidden)
    }
}
