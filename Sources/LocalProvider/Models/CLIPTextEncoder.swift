/// CLIP's text transformer (SD 1.x's text encoder): token and position embeddings, causal pre-norm layers with
/// quick GELU, and a final layer norm whose output conditions the UNet.
public struct CLIPTextEncoder: Sendable {
    public let config: CLIPTextConfig
    /// The weights; the token embedding table (SD 1.x: 49,408 x 768) stays in the file in every residency, and
    /// each call converts only its prompts' rows.
    let weights: WeightLoader
    let positionEmbedding: WeightBacked<Tensor>
    let layers: [WeightBacked<CLIPEncoderLayer>]
    let finalNorm: LayerNorm

    /// Loads the weights; keys may carry transformers' `text_model.` prefix or not (transformers 5.x drops it).
    init(weights: WeightLoader, config: CLIPTextConfig) throws {
        let weights =
            weights.contains("text_model.embeddings.token_embedding.weight") ? weights.scoped("text_model.") : weights
        let width = config.hiddenSize
        _ = try weights.checkingShapesOnly().tensor(
            "embeddings.token_embedding.weight", shape: [config.vocabSize, width])
        positionEmbedding = try WeightBacked(weights) {
            try $0.tensor("embeddings.position_embedding.weight", shape: [config.maxPositionEmbeddings, width])
        }
        layers = try (0..<config.numHiddenLayers).map { index in
            try WeightBacked(weights) { try CLIPEncoderLayer($0, "encoder.layers.\(index)", config: config) }
        }
        finalNorm = try LayerNorm(weights, "final_layer_norm", features: width, epsilon: config.layerNormEps)
        self.config = config
        self.weights = weights
    }

    /// Drops the mapped weight pages from resident memory until the next forward call maps them in again.
    func releaseMappedPages() { weights.releaseMappedPages() }

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
        var hidden = try weights.rows(
            "embeddings.token_embedding.weight", shape: [config.vocabSize, width], Array(tokenIDs.joined())
        ).reshaped([tokenIDs.count, length, width])
        let positionEmbedding = try positionEmbedding.load()
        hidden.scalars.withUnsafeMutableBufferPointer { hidden in
            positionEmbedding.scalars.withUnsafeBufferPointer { positions in
                for row in 0..<tokenIDs.count {
                    VectorKernels.add(
                        positions.baseAddress!, into: hidden.baseAddress! + row * length * width, count: length * width)
                }
            }
        }
        for layer in layers { hidden = try layer.load()(hidden) }
        return finalNorm(hidden)
    }
}
