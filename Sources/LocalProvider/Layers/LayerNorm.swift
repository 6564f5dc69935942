/// Layer normalisation over the last dimension with an elementwise affine transform.
struct LayerNorm: Sendable {
    let epsilon: Float
    let weight: Tensor
    let bias: Tensor

    init(epsilon: Float, weight: Tensor, bias: Tensor) {
        precondition(weight.shape.count == 1 && weight.shape == bias.shape)
        self.epsilon = epsilon
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<prefix>.weight` and `<prefix>.bias` of `features` elements.
    init(_ weights: WeightLoader, _ prefix: String, features: Int, epsilon: Float) throws {
        self.init(
            epsilon: epsilon, weight: try weights.tensor("\(prefix).weight", shape: [features]),
            bias: try weights.tensor("\(prefix).bias", shape: [features]))
    }

    /// Normalises every row of `input` (`[..., features]`).
    func callAsFunction(_ input: Tensor) -> Tensor {
        let features = weight.count
        precondition(input.shape.last == features, "layer norm over \(features) got \(input.shape)")
        let rows = input.count / features
        let epsilon = epsilon
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { data in
            let data = data.baseAddress!
            weight.scalars.withUnsafeBufferPointer { gamma in
                bias.scalars.withUnsafeBufferPointer { beta in
                    Parallel.forRanges(count: rows, minimumPerChunk: max(1, 32_768 / features)) { range in
                        for row in range {
                            let start = data + row * features
                            let (mean, variance) = VectorKernels.meanAndVariance(start, count: features)
                            let inverse = 1 / (variance + epsilon).squareRoot()
                            VectorKernels.normalise(
                                start, count: features, mean: mean, inverse: inverse, gamma: gamma.baseAddress!,
                                beta: beta.baseAddress!)
                        }
                    }
                }
            }
        }
        return output
    }
}
