/// A fully connected layer `y = x W^T + b` over the last dimension (weights `[out, in]` as PyTorch stores them).
struct Linear: Sendable {
    let weight: Tensor
    let bias: Tensor?

    var inputFeatures: Int { weight.shape[1] }
    var outputFeatures: Int { weight.shape[0] }

    init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 2, "linear weight must be 2-D, got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "linear bias does not match \(weight.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<prefix>.weight` (`[out, in]`, or `[out, in, 1, 1]` from a 1x1 convolution) and `<prefix>.bias`.
    init(_ weights: WeightLoader, _ prefix: String, input: Int, output: Int, bias: Bool = true) throws {
        let weight = try weights.tensor(
            "\(prefix).weight", shape: [output, input], alsoAccepting: [output, input, 1, 1])
        let loadedBias = bias ? try weights.tensor("\(prefix).bias", shape: [output]) : nil
        self.init(weight: weight.reshaped([output, input]), bias: loadedBias)
    }

    /// Applies the layer to `input` (`[..., in]`), giving `[..., out]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == inputFeatures, "linear expects \(inputFeatures) features, got \(input.shape)")
        let rows = input.count / inputFeatures
        let outputShape = Array(input.shape.dropLast()) + [outputFeatures]
        let outputs = outputFeatures
        let inputs = inputFeatures
        return Tensor(shape: outputShape) { output in
            let out = output.baseAddress!
            if let bias {
                bias.scalars.withUnsafeBufferPointer { bias in
                    for row in 0..<rows { (out + row * outputs).update(from: bias.baseAddress!, count: outputs) }
                }
            }
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(
                        transposeB: true, m: rows, n: outputs, k: inputs, a: x.baseAddress!, lda: inputs,
                        b: w.baseAddress!, ldb: inputs, beta: bias == nil ? 0 : 1, c: out, ldc: outputs)
                }
            }
        }
    }
}
