/// diffusers' `ResnetBlock2D`: (GroupNorm, SiLU, 3x3 conv) twice, the time embedding added in between,
/// and a 1x1 shortcut convolution when the channel count changes.
struct ResnetBlock: Sendable {
    let norm1: GroupNorm
    let conv1: Conv2d
    let timeProjection: Linear?
    let norm2: GroupNorm
    let conv2: Conv2d
    let shortcut: Conv2d?

    /// Loads `<prefix>.{norm1,conv1,time_emb_proj,norm2,conv2,conv_shortcut}`; `timeChannels` nil means no time input.
    init(
        _ weights: WeightLoader, _ prefix: String, input: Int, output: Int, timeChannels: Int?, groups: Int,
        epsilon: Float
    ) throws {
        norm1 = try GroupNorm(weights, "\(prefix).norm1", groups: groups, channels: input, epsilon: epsilon)
        conv1 = try Conv2d(weights, "\(prefix).conv1", input: input, output: output, kernel: 3, padding: 1)
        timeProjection = try timeChannels.map {
            try Linear(weights, "\(prefix).time_emb_proj", input: $0, output: output)
        }
        norm2 = try GroupNorm(weights, "\(prefix).norm2", groups: groups, channels: output, epsilon: epsilon)
        conv2 = try Conv2d(weights, "\(prefix).conv2", input: output, output: output, kernel: 3, padding: 1)
        shortcut =
            input == output
            ? nil : try Conv2d(weights, "\(prefix).conv_shortcut", input: input, output: output, kernel: 1)
    }

    /// `activatedTime` is SiLU of the time embedding, `[N, timeChannels]`, when the block takes one.
    func callAsFunction(_ input: Tensor, activatedTime: Tensor? = nil) -> Tensor {
        var hidden = conv1(norm1(input, thenSiLU: true))
        if let timeProjection, let activatedTime {
            hidden.addPerChannel(timeProjection(activatedTime))
        }
        hidden = conv2(norm2(hidden, thenSiLU: true))
        hidden.add(shortcut?(input) ?? input)
        return hidden
    }
}
