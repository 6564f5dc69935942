/// Group normalisation over NCHW tensors with a per-channel affine transform, optionally followed by SiLU.
struct GroupNorm: Sendable {
    let groups: Int
    let epsilon: Float
    let weight: Tensor
    let bias: Tensor

    var channels: Int { weight.count }

    init(groups: Int, epsilon: Float, weight: Tensor, bias: Tensor) {
        precondition(groups > 0 && weight.count % groups == 0, "\(weight.count) channels in \(groups) groups")
        precondition(weight.shape == bias.shape)
        self.groups = groups
        self.epsilon = epsilon
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<prefix>.weight` and `<prefix>.bias` of `channels` elements.
    init(_ weights: WeightLoader, _ prefix: String, groups: Int, channels: Int, epsilon: Float) throws {
        guard groups > 0, channels % groups == 0 else {
            throw CheckpointError.invalidConfig("\(prefix): \(channels) channels cannot be split into \(groups) groups")
        }
        self.init(
            groups: groups, epsilon: epsilon, weight: try weights.tensor("\(prefix).weight", shape: [channels]),
            bias: try weights.tensor("\(prefix).bias", shape: [channels]))
    }

    /// Normalises `input` (`[N, C, ...]`); with `thenSiLU` the SiLU activation is fused into the same pass.
    func callAsFunction(_ input: Tensor, thenSiLU: Bool = false) -> Tensor {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "group norm got \(input.shape)")
        let batch = input.shape[0]
        let plane = input.shape.dropFirst(2).reduce(1, *)
        let channelsPerGroup = channels / groups
        let groupLength = channelsPerGroup * plane
        let (groups, epsilon) = (groups, epsilon)
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { data in
            let data = data.baseAddress!
            weight.scalars.withUnsafeBufferPointer { gamma in
                bias.scalars.withUnsafeBufferPointer { beta in
                    Parallel.forRanges(count: batch * groups, minimumPerChunk: max(1, 32_768 / max(1, groupLength))) {
                        indices in
                        for index in indices {
                            let start = data + index * groupLength
                            let (mean, variance) = VectorKernels.meanAndVariance(start, count: groupLength)
                            let inverse = 1 / (variance + epsilon).squareRoot()
                            for local in 0..<channelsPerGroup {
                                let channel = (index % groups) * channelsPerGroup + local
                                let multiplier = inverse * gamma[channel]
                                let addend = beta[channel] - mean * multiplier
                                let row = start + local * plane
                                if thenSiLU {
                                    VectorKernels.affineSiLU(row, count: plane, multiplier: multiplier, addend: addend)
                                } else {
                                    VectorKernels.affine(row, count: plane, multiplier: multiplier, addend: addend)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
