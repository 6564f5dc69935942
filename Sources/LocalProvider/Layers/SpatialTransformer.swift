/// diffusers' `Transformer2DModel` for SD 1.x: group norm, input projection to tokens, transformer blocks,
/// output projection back to an image, plus the residual.
struct SpatialTransformer: Sendable {
    let norm: GroupNorm
    let projectIn: Projection
    let blocks: [TransformerBlock]
    let projectOut: Projection

    /// SD 1.x projects with 1x1 convolutions, SD 2.x with linear layers (`use_linear_projection`).
    enum Projection: Sendable {
        case convolution(Conv2d)
        case linear(Linear)
    }

    init(
        _ weights: WeightLoader, _ prefix: String, channels: Int, heads: Int, layers: Int, contextWidth: Int,
        groups: Int, linearProjection: Bool
    ) throws {
        norm = try GroupNorm(weights, "\(prefix).norm", groups: groups, channels: channels, epsilon: 1e-6)
        func projection(_ name: String) throws -> Projection {
            linearProjection
                ? .linear(try Linear(weights, "\(prefix).\(name)", input: channels, output: channels))
                : .convolution(try Conv2d(weights, "\(prefix).\(name)", input: channels, output: channels, kernel: 1))
        }
        projectIn = try projection("proj_in")
        blocks = try (0..<layers).map {
            try TransformerBlock(
                weights, "\(prefix).transformer_blocks.\($0)", width: channels, heads: heads, contextWidth: contextWidth
            )
        }
        projectOut = try projection("proj_out")
    }

    func callAsFunction(_ input: Tensor, context: Tensor) -> Tensor {
        let (height, width) = (input.shape[2], input.shape[3])
        var tokens: Tensor
        switch projectIn {
        case .convolution(let conv): tokens = conv.pointwiseToTokens(norm(input))
        case .linear(let linear): tokens = linear(norm(input).imageToTokens())
        }
        for block in blocks { tokens = block(tokens, context: context) }
        var output: Tensor
        switch projectOut {
        case .convolution(let conv): output = conv.pointwiseFromTokens(tokens, height: height, width: width)
        case .linear(let linear): output = linear(tokens).tokensToImage(height: height, width: width)
        }
        // The blocks turn an input of one item into one per context item (`TransformerBlock`).
        output.add(input.shape[0] == output.shape[0] ? input : input.repeatingBatch(output.shape[0]))
        return output
    }
}
