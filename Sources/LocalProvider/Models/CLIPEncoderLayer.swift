/// One pre-norm transformer layer of CLIP's text encoder: causal self-attention, then an MLP.
struct CLIPEncoderLayer: Sendable {
    let attentionNorm: LayerNorm
    let attention: Attention
    let mlpNorm: LayerNorm
    let up: Linear
    let down: Linear
    let quickGELU: Bool

    init(_ weights: WeightLoader, _ prefix: String, config: CLIPTextConfig) throws {
        let width = config.hiddenSize
        guard width % config.numAttentionHeads == 0 else {
            throw CheckpointError.invalidConfig(
                "text encoder: hidden size \(width) cannot be split into \(config.numAttentionHeads) heads")
        }
        attentionNorm = try LayerNorm(weights, "\(prefix).layer_norm1", features: width, epsilon: config.layerNormEps)
        attention = Attention(
            query: try Linear(weights, "\(prefix).self_attn.q_proj", input: width, output: width).laidOutInPanels(),
            key: try Linear(weights, "\(prefix).self_attn.k_proj", input: width, output: width).laidOutInPanels(),
            value: try Linear(weights, "\(prefix).self_attn.v_proj", input: width, output: width).laidOutInPanels(),
            output: try Linear(weights, "\(prefix).self_attn.out_proj", input: width, output: width).laidOutInPanels(),
            heads: config.numAttentionHeads, causal: true)
        mlpNorm = try LayerNorm(weights, "\(prefix).layer_norm2", features: width, epsilon: config.layerNormEps)
        up = try Linear(weights, "\(prefix).mlp.fc1", input: width, output: config.intermediateSize).laidOutInPanels()
        down = try Linear(weights, "\(prefix).mlp.fc2", input: config.intermediateSize, output: width).laidOutInPanels()
        switch config.hiddenAct {
        case "quick_gelu": quickGELU = true
        case "gelu": quickGELU = false
        default: throw CheckpointError.unsupportedModel("text encoder activation \(config.hiddenAct)")
        }
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = input.adding(attention(attentionNorm(input)))
        let expanded = up(mlpNorm(hidden))
        hidden.add(down(quickGELU ? Activation.quickGELU(expanded) : Activation.gelu(expanded)))
        return hidden
    }
}
