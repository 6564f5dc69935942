import Foundation

/// The sinusoidal timestep features of diffusers' `Timesteps` (computed in float32 as PyTorch does).
struct TimestepEmbedding: Sendable {
    let channels: Int
    /// Puts the cosines before the sines (`flip_sin_to_cos`, true for SD 1.x).
    let flipSinToCos: Bool
    /// Subtracted from the half width in the frequency exponent's denominator (`freq_shift`, 0 for SD 1.x).
    let frequencyShift: Float
    let maxPeriod: Float = 10_000

    /// The features of one timestep, `[1, channels]`.
    func callAsFunction(_ timestep: Float) -> Tensor {
        let half = channels / 2
        var values = [Float](repeating: 0, count: channels)
        for index in 0..<half {
            let exponent = -Float(log(Double(maxPeriod))) * Float(index) / (Float(half) - frequencyShift)
            let angle = timestep * exp(exponent)
            let (sine, cosine) = (sin(angle), cos(angle))
            values[index] = flipSinToCos ? cosine : sine
            values[half + index] = flipSinToCos ? sine : cosine
        }
        return Tensor(shape: [1, channels], scalars: values)
    }
}
