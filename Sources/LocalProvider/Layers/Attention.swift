/// An attention layer: query/key/value projections, multi-head attention and an output projection.
///
/// Self-attention when no context is given; cross-attention projects keys and values from the context.
struct Attention: Sendable {
    let query: Linear
    let key: Linear
    let value: Linear
    let output: Linear
    let heads: Int
    let causal: Bool

    /// Loads diffusers' layout: `to_q`, `to_k`, `to_v` (bias optional) and `to_out.0` (with bias).
    init(
        _ weights: WeightLoader, _ prefix: String, queryWidth: Int, contextWidth: Int, innerWidth: Int, heads: Int,
        projectionBias: Bool
    ) throws {
        guard heads > 0, innerWidth % heads == 0 else {
            throw CheckpointError.invalidConfig("\(prefix): width \(innerWidth) cannot be split into \(heads) heads")
        }
        query = try Linear(weights, "\(prefix).to_q", input: queryWidth, output: innerWidth, bias: projectionBias)
        key = try Linear(weights, "\(prefix).to_k", input: contextWidth, output: innerWidth, bias: projectionBias)
        value = try Linear(weights, "\(prefix).to_v", input: contextWidth, output: innerWidth, bias: projectionBias)
        output = try Linear(weights, "\(prefix).to_out.0", input: innerWidth, output: queryWidth)
        self.heads = heads
        causal = false
    }

    /// Wraps already loaded projections (CLIP names them `q_proj`, `k_proj`, `v_proj`, `out_proj`).
    init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int, causal: Bool) {
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.heads = heads
        self.causal = causal
    }

    /// Attends `input` (`[B, L, C]`) to itself, or to `context` (`[B, Lc, Cc]`) when given.
    func callAsFunction(_ input: Tensor, context: Tensor? = nil) -> Tensor {
        let source = context ?? input
        let attended = ScaledDotProductAttention.compute(
            query: query(input), key: key(source), value: value(source), heads: heads, causal: causal)
        return output(attended)
    }
}
