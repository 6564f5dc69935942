/// The transformer block's feed-forward network: a GEGLU projection to 2 x 4 x width, then back to width.
struct FeedForward: Sendable {
    let projection: Linear
    let output: Linear

    /// Token rows projected and gated at a time: the doubled projection of all of them at once is a large
    /// short-lived block (84 MB for SD 1.x's 2 x 4,096 tokens), fresh pages on every call.
    static let chunkRows = 1024

    init(_ weights: WeightLoader, _ prefix: String, width: Int) throws {
        let inner = width * 4
        self.init(
            projection: try Linear(weights, "\(prefix).net.0.proj", input: width, output: inner * 2),
            output: try Linear(weights, "\(prefix).net.2", input: inner, output: width))
    }

    init(projection: Linear, output: Linear) {
        self.projection = projection
        self.output = output
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        let width = projection.inputFeatures
        let inner = projection.outputFeatures / 2
        let rows = input.count / max(1, width)
        guard rows > Self.chunkRows else { return output(Activation.geglu(projection(input))) }
        let gated = Tensor(shape: Array(input.shape.dropLast()) + [inner]) { gated in
            var first = 0
            while first < rows {
                let count = min(Self.chunkRows, rows - first)
                let part = Tensor(
                    shape: [count, width], scalars: Array(input.scalars[(first * width)..<((first + count) * width)]))
                let activated = Activation.geglu(projection(part))
                activated.scalars.withUnsafeBufferPointer { activated in
                    (gated.baseAddress! + first * inner).update(from: activated.baseAddress!, count: count * inner)
                }
                first += count
            }
        }
        return output(gated)
    }
}
