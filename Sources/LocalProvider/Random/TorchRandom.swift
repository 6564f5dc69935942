import Foundation

/// Reproduces `torch.randn` drawn from a CPU `torch.Generator` seeded with `manual_seed`, so a seed gives
/// the same latents (and the same ancestral-sampler noise) as diffusers on CPU.
///
/// torch draws from a Mersenne Twister (MT19937). A float32 tensor of 16 or more values is filled with
/// 24-bit uniforms first, then turned into normals 16 at a time by Box-Muller, pairing element `j` with
/// `j + 8`; when the count is not a multiple of 16 the last 16 values are drawn and transformed again.
/// Shorter tensors take one double-precision normal per value, from 53-bit uniforms, with every second
/// value cached from the previous pair.
public struct TorchRandom: Sendable {
    private var twister: MersenneTwister
    private var cachedNormal: Double?

    /// A generator in the state `torch.Generator("cpu").manual_seed(seed)` leaves it in.
    public init(seed: UInt64) {
        twister = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed))
        cachedNormal = nil
    }

    /// `torch.randn(count)` as float32, advancing the generator exactly as torch does.
    public mutating func normal(count: Int) -> [Float] {
        guard count > 0 else { return [] }
        if count < 16 {
            return (0..<count).map { _ in Float(nextDoubleNormal()) }
        }
        var values = (0..<count).map { _ in uniformFloat() }
        var start = 0
        while start + 16 <= count {
            Self.boxMuller16(&values, at: start)
            start += 16
        }
        if count % 16 != 0 {
            let tail = count - 16
            for index in tail..<count { values[index] = uniformFloat() }
            Self.boxMuller16(&values, at: tail)
        }
        return values
    }

    /// Box-Muller on 16 uniforms in place, with torch's scalar arithmetic: radius in float, angle and
    /// products in double, rounded to float at the end.
    private static func boxMuller16(_ values: inout [Float], at start: Int) {
        for j in 0..<8 {
            let u1 = 1 - values[start + j]
            let u2 = values[start + j + 8]
            let radius = (-2 * logf(u1)).squareRoot()
            let theta = 2.0 * Double(Float.pi) * Double(u2)
            values[start + j] = Float(Double(radius) * cos(theta))
            values[start + j + 8] = Float(Double(radius) * sin(theta))
        }
    }

    /// torch's `normal_distribution<double>`: a pair per two calls, the second one cached.
    private mutating func nextDoubleNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return radius * cos(theta)
    }

    /// A float in [0, 1) from the low 24 bits of one 32-bit draw.
    private mutating func uniformFloat() -> Float {
        Float(twister.next() & 0xFF_FFFF) * (1.0 / 16_777_216.0)
    }

    /// A double in [0, 1) from the low 53 bits of two 32-bit draws (first draw high).
    private mutating func uniformDouble() -> Double {
        let high = UInt64(twister.next())
        let low = UInt64(twister.next())
        return Double(((high << 32) | low) & ((1 << 53) - 1)) * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// The 32-bit Mersenne Twister (MT19937) as in the C++ standard library and torch.
struct MersenneTwister: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var value = state[index]
        index += 1
        value ^= value >> 11
        value ^= (value << 7) & 0x9D2C_5680
        value ^= (value << 15) & 0xEFC6_0000
        value ^= value >> 18
        return value
    }

    private mutating func twist() {
        for i in 0..<624 {
            let bits = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var next = state[(i + 397) % 624] ^ (bits >> 1)
            if bits & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        index = 0
    }
}
