/// diffusers' `BasicTransformerBlock`: self-attention, cross-attention to the text context and a GEGLU
/// feed-forward, each after a layer norm and with a residual connection.
struct TransformerBlock: Sendable {
    let norm1: LayerNorm
    let selfAttention: Attention
    let norm2: LayerNorm
    let crossAttention: Attention
    let norm3: LayerNorm
    let feedForward: FeedForward

    init(_ weights: WeightLoader, _ prefix: String, width: Int, heads: Int, contextWidth: Int) throws {
        norm1 = try LayerNorm(weights, "\(prefix).norm1", features: width, epsilon: 1e-5)
        selfAttention = try Attention(
            weights, "\(prefix).attn1", queryWidth: width, contextWidth: width, innerWidth: width, heads: heads,
            projectionBias: false)
        norm2 = try LayerNorm(weights, "\(prefix).norm2", features: width, epsilon: 1e-5)
        crossAttention = try Attention(
            weights, "\(prefix).attn2", queryWidth: width, contextWidth: contextWidth, innerWidth: width, heads: heads,
            projectionBias: false)
        norm3 = try LayerNorm(weights, "\(prefix).norm3", features: width, epsilon: 1e-5)
        feedForward = try FeedForward(weights, "\(prefix).ff", width: width)
    }

    /// `input` is `[N, tokens, width]`, `context` `[N, contextTokens, contextWidth]`; an `input` of one item with a
    /// context of N is N items alike up to here (see `UNet.forward`): it is repeated N times after the
    /// self-attention, the last step that does not depend on the context.
    func callAsFunction(_ input: Tensor, context: Tensor) -> Tensor {
        var hidden = input.adding(selfAttention(norm1(input)))
        if hidden.shape[0] != context.shape[0] { hidden = hidden.repeatingBatch(context.shape[0]) }
        hidden.add(crossAttention(norm2(hidden), context: context))
        hidden.add(feedForward(norm3(hidden)))
        return hidden
    }
}
