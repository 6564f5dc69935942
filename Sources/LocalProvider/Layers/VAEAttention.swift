/// The VAE mid block's single-head self-attention over pixels: group norm, q/k/v projections, output
/// projection and a residual connection.
struct VAEAttention: Sendable {
    let norm: GroupNorm
    let attention: Attention

    /// Loads diffusers' names (`group_norm`, `to_q`, `to_k`, `to_v`, `to_out.0`), or the older
    /// `query`/`key`/`value`/`proj_attn` names some diffusers folders still carry.
    init(_ weights: WeightLoader, _ prefix: String, channels: Int, groups: Int, epsilon: Float) throws {
        let legacy = weights.contains("\(prefix).query.weight")
        norm = try GroupNorm(weights, "\(prefix).group_norm", groups: groups, channels: channels, epsilon: epsilon)
        func linear(_ current: String, _ old: String) throws -> Linear {
            try Linear(weights, "\(prefix).\(legacy ? old : current)", input: channels, output: channels)
        }
        attention = Attention(
            query: try linear("to_q", "query"), key: try linear("to_k", "key"), value: try linear("to_v", "value"),
            output: try linear("to_out.0", "proj_attn"), heads: 1, causal: false)
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        let (height, width) = (input.shape[2], input.shape[3])
        var output = attention(norm(input).imageToTokens()).tokensToImage(height: height, width: width)
        output.add(input)
        return output
    }
}
