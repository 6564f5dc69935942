import Foundation

/// The training noise schedule shared by every scheduler: betas, cumulative alpha products and the
/// matching sigmas, computed with torch's float32 arithmetic (cumprod accumulated in double).
struct NoiseSchedule: Sendable {
    let trainTimesteps: Int
    /// `alphas_cumprod[t]`, float32.
    let alphasCumprod: [Float]
    /// `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`, float32, ascending with t.
    let sigmas: [Float]

    init(_ configuration: SchedulerConfiguration) {
        let count = configuration.trainTimesteps
        let betas: [Float]
        if configuration.betaSchedule == "scaled_linear" {
            betas = Self.linspace(Float(configuration.betaStart.squareRoot()), Float(configuration.betaEnd.squareRoot()), count)
                .map { $0 * $0 }
        } else {
            betas = Self.linspace(Float(configuration.betaStart), Float(configuration.betaEnd), count)
        }
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= Double(1 - beta)
            return Float(product)
        }
        sigmas = alphasCumprod.map { ((1 - $0) / $0).squareRoot() }
        trainTimesteps = count
    }

    /// `torch.linspace(start, end, count, dtype=float32)`: from the start up to half way, from the end after.
    static func linspace(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
        guard count > 1 else { return [start] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { index in
            index < halfway ? start + step * Float(index) : end - step * Float(count - index - 1)
        }
    }

    /// `alphas_cumprod[t]`, or the final value for a timestep before the start.
    func alphaCumprod(at timestep: Int, setAlphaToOne: Bool) -> Float {
        timestep >= 0 ? alphasCumprod[timestep] : (setAlphaToOne ? 1 : alphasCumprod[0])
    }

    /// `np.interp(timesteps, arange(T), sigmas)` in double.
    func interpolatedSigmas(at timesteps: [Double]) -> [Double] {
        timesteps.map { t in
            if t <= 0 { return Double(sigmas[0]) }
            if t >= Double(trainTimesteps - 1) { return Double(sigmas[trainTimesteps - 1]) }
            let low = Int(t.rounded(.down))
            let slope = (Double(sigmas[low + 1]) - Double(sigmas[low])) / 1.0
            return slope * (t - Double(low)) + Double(sigmas[low])
        }
    }

    /// Karras et al.'s sigmas between the largest and smallest of `sigmas` (rho = 7), as diffusers builds them.
    static func karrasSigmas(from sigmaMax: Double, to sigmaMin: Double, count: Int) -> [Double] {
        let rho = 7.0
        let minInverse = pow(sigmaMin, 1 / rho)
        let maxInverse = pow(sigmaMax, 1 / rho)
        return (0..<count).map { index in
            let ramp = count > 1 ? Double(index) / Double(count - 1) : 0
            return pow(maxInverse + ramp * (minInverse - maxInverse), rho)
        }
    }

    /// diffusers' `_sigma_to_t`: the fractional timestep whose log-sigma matches, by linear interpolation.
    func timestep(forSigma sigma: Double) -> Double {
        let logSigmas = sigmas.map { Double(logf($0)) }
        let logSigma = log(max(sigma, 1e-10))
        var low = 0
        for (index, value) in logSigmas.enumerated() where logSigma - value >= 0 { low = index }
        low = min(low, logSigmas.count - 2)
        let lowValue = logSigmas[low]
        let highValue = logSigmas[low + 1]
        let weight = min(max((lowValue - logSigma) / (lowValue - highValue), 0), 1)
        return (1 - weight) * Double(low) + weight * Double(low + 1)
    }
}

/// Python-style spacing helpers shared by the schedulers' `set_timesteps`.
enum TimestepGrid {
    /// `(np.arange(0, count) * ratio)` with an integer ratio.
    static func leading(count: Int, ratio: Int) -> [Int] { (0..<count).map { $0 * ratio } }

    /// `np.linspace(start, end, count)` in double.
    static func linspace(_ start: Double, _ end: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Double(count - 1)
        return (0..<count).map { index in index == count - 1 ? end : start + Double(index) * step }
    }

    /// `np.arange(start, 0, -step)` with a fractional step, in double.
    static func descending(from start: Double, step: Double) -> [Double] {
        let count = Int(((0 - start) / -step).rounded(.up))
        return (0..<max(count, 0)).map { start + Double($0) * -step }
    }

    /// numpy's round half to even.
    static func round(_ value: Double) -> Double { value.rounded(.toNearestOrEven) }
}
