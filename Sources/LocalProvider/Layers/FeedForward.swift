/// The transformer block's feed-forward network: a GEGLU projection to 2 x 4 x width, then back to width.
struct FeedForward: Sendable {
    let projection: Linear
    let output: Linear

    init(_ weights: WeightLoader, _ prefix: String, width: Int) throws {
        let inner = width * 4
        projection = try Linear(weights, "\(prefix).net.0.proj", input: width, output: inner * 2)
        output = try Linear(weights, "\(prefix).net.2", input: inner, output: width)
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        output(Activation.geglu(projection(input)))
    }
}
