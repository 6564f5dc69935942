/// A fully connected layer `y = x W^T + b` over the last dimension (weights `[out, in]` as PyTorch stores them).
struct Linear: Sendable {
    /// Where the weight lives: as loaded (for a BLAS), or laid out in panels for few-row products.
    private enum Weight: Sendable {
        case rows(Tensor)
        case panels(WeightPanels)
    }

    private let weight: Weight
    let bias: Tensor?
    let inputFeatures: Int
    let outputFeatures: Int

    init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 2, "linear weight must be 2-D, got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "linear bias does not match \(weight.shape)")
        self.weight = .rows(weight)
        self.bias = bias
        outputFeatures = weight.shape[0]
        inputFeatures = weight.shape[1]
    }

    /// Loads `<prefix>.weight` (`[out, in]`, or `[out, in, 1, 1]` from a 1x1 convolution) and `<prefix>.bias`.
    init(_ weights: WeightLoader, _ prefix: String, input: Int, output: Int, bias: Bool = true) throws {
        let weight = try weights.tensor(
            "\(prefix).weight", shape: [output, input], alsoAccepting: [output, input, 1, 1])
        let loadedBias = bias ? try weights.tensor("\(prefix).bias", shape: [output]) : nil
        self.init(weight: weight.reshaped([output, input]), bias: loadedBias)
    }

    private init(panels: WeightPanels, bias: Tensor?) {
        weight = .panels(panels)
        self.bias = bias
        outputFeatures = panels.outputs
        inputFeatures = panels.inputs
    }

    /// The same layer with its weight laid out in panels (`WeightPanels`), for inputs of few rows such as CLIP's
    /// prompts; unchanged where this CPU lacks the panel kernel. The result agrees to float32 rounding.
    func laidOutInPanels() -> Linear {
        guard case .rows(let rows) = weight, let panels = WeightPanels(rows) else { return self }
        return Linear(panels: panels, bias: bias)
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
            input.scalars.withUnsafeBufferPointer { x in
                switch weight {
                case .panels(let panels):
                    withBias { panels.product(x.baseAddress!, rows: rows, bias: $0, into: out) }
                case .rows(let weight):
                    withBias { bias in
                        guard let bias else { return }
                        for row in 0..<rows { (out + row * outputs).update(from: bias, count: outputs) }
                    }
                    weight.scalars.withUnsafeBufferPointer { w in
                        BLAS.gemm(
                            transposeB: true, m: rows, n: outputs, k: inputs, a: x.baseAddress!, lda: inputs,
                            b: w.baseAddress!, ldb: inputs, beta: bias == nil ? 0 : 1, c: out, ldc: outputs)
                    }
                }
            }
        }
    }

    private func withBias(_ body: (UnsafePointer<Float>?) -> Void) {
        guard let bias else { return body(nil) }
        bias.scalars.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
