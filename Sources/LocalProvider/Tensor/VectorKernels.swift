import Foundation

/// SIMD loops over raw float buffers shared by the tensor operations.
enum VectorKernels {
    typealias Vector = SIMD16<Float>
    static let width = Vector.scalarCount

    /// `target[i] += source[i]`.
    static func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            let sum = load(target + index) + load(source + index)
            store(sum, to: target + index)
            index += width
        }
        while index < count {
            target[index] += source[index]
            index += 1
        }
    }

    /// `target[i] *= factor`.
    static func scale(_ target: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            store(load(target + index) * factor, to: target + index)
            index += width
        }
        while index < count {
            target[index] *= factor
            index += 1
        }
    }

    /// `target[i] = target[i] * multiplier + addend`.
    static func affine(
        _ target: UnsafeMutablePointer<Float>, count: Int, multiplier: Float, addend: Float
    ) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            store(load(target + index) * multiplier + addend, to: target + index)
            index += width
        }
        while index < count {
            target[index] = target[index] * multiplier + addend
            index += 1
        }
    }

    /// The largest of `count` floats (`-inf` when there are none).
    static func maximum(_ source: UnsafePointer<Float>, count: Int) -> Float {
        var largest = Vector(repeating: -.infinity)
        var index = 0
        while index + width <= count {
            largest = larger(largest, load(source + index))
            index += width
        }
        var result = largest.max()
        while index < count {
            result = max(result, source[index])
            index += 1
        }
        return result
    }

    /// Replaces `target[i]` by `e^(target[i] - shift)` and returns the sum of the new values; `shift` is at
    /// least every value (a softmax row's maximum), so every exponent is at most 0.
    static func exponentiate(_ target: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        let shiftVector = Vector(repeating: shift)
        var partial = Vector()
        var index = 0
        while index + width <= count {
            let value = expNonPositive(load(target + index) - shiftVector)
            store(value, to: target + index)
            partial += value
            index += width
        }
        if index < count {
            // The tail through the same vector formula, padded with exponents of -inf (which give 0).
            var tail = Vector(repeating: -.infinity)
            for lane in 0..<(count - index) { tail[lane] = target[index + lane] - shift }
            let value = expNonPositive(tail)
            store(value, to: target + index, lanes: count - index)
            partial += value
        }
        return partial.sum()
    }

    /// `target[i] = silu(target[i] * multiplier + addend)`: a normalisation's affine step and SiLU in one pass.
    static func affineSiLU(
        _ target: UnsafeMutablePointer<Float>, count: Int, multiplier: Float, addend: Float
    ) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            let value = load(target + index) * multiplier + addend
            store(value / (1 + exp(-value)), to: target + index)
            index += width
        }
        while index < count {
            target[index] = Activation.silu(target[index] * multiplier + addend)
            index += 1
        }
    }

    /// `target[i] = (target[i] - mean) * inverse * gamma[i] + beta[i]`: layer normalisation of one row.
    static func normalise(
        _ target: UnsafeMutablePointer<Float>, count: Int, mean: Float, inverse: Float, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>
    ) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            let value = (load(target + index) - mean) * inverse
            store(value * load(gamma + index) + load(beta + index), to: target + index)
            index += width
        }
        while index < count {
            target[index] = (target[index] - mean) * inverse * gamma[index] + beta[index]
            index += 1
        }
    }

    /// The mean and the (biased) variance of `count` floats: two passes, partial sums in double.
    static func meanAndVariance(_ source: UnsafePointer<Float>, count: Int) -> (mean: Float, variance: Float) {
        guard count > 0 else { return (0, 0) }
        let mean = blockedSum(source, count: count) { $0 } / Double(count)
        let centre = Vector(repeating: Float(mean))
        let squares = blockedSum(source, count: count) { ($0 - centre) * ($0 - centre) }
        return (Float(mean), Float(squares / Double(count)))
    }

    /// Sums `transform` of every element: SIMD partial sums over short blocks, blocks added in double.
    @inline(__always)
    private static func blockedSum(
        _ source: UnsafePointer<Float>, count: Int, _ transform: (Vector) -> Vector
    ) -> Double {
        var total = 0.0
        var index = 0
        let blockLength = 1024
        while index < count {
            let end = min(count, index + blockLength)
            var block = Vector()
            var position = index
            while position + width <= end {
                block += transform(load(source + position))
                position += width
            }
            total += Double(block.sum())
            if position < end {
                var tail = Vector()
                for lane in 0..<(end - position) { tail[lane] = source[position + lane] }
                let transformed = transform(tail)
                for lane in 0..<(end - position) { total += Double(transformed[lane]) }
            }
            index = end
        }
        return total
    }

    /// `e^x` lane by lane: range reduction to `x = n ln2 + r`, a degree-6 polynomial for `e^r` (Cephes), then
    /// scaling by `2^n` through the exponent bits. About 2 ulp down to -87.3, gradual underflow below, exactly 0
    /// below -104 (so `e^-inf` is 0), +inf above 88.7.
    ///
    /// Only arithmetic, min/max and bit casts, which compile to vector instructions: the standard library's SIMD
    /// rounding, float-to-integer conversion and masked `replace` go lane by lane through generic code. `n` is
    /// rounded and made an integer by adding `1.5 * 2^23` (the integer lands in the low mantissa bits).
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let (expR, shifted) = reducedExponential(larger(smaller(x, Vector(repeating: 88.7)), Vector(repeating: -110)))
        // 2^n as two factors so that n = 128 (x near 88.7) stays representable.
        let whole = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let half = whole &>> 1
        let first = unsafeBitCast((half &+ 127) &<< 23, to: Vector.self)
        let second = unsafeBitCast((whole &- half &+ 127) &<< 23, to: Vector.self)
        let overflow = unsafeBitCast(Vector(repeating: 88.7) - x, to: SIMD16<Int32>.self) &>> 31
        return select(overflow, Vector(repeating: .infinity), expR * first * second)
    }

    /// `e^x` for `x <= 0` (softmax after its shift), with `exp`'s reduction and polynomial and so its results,
    /// in half the instructions: no overflow to handle, one power of two for the scaling, and 0 below -87.3
    /// (where `e^x` leaves float32's normal range; `-inf` gives 0).
    @inline(__always)
    static func expNonPositive(_ x: Vector) -> Vector {
        let (expR, shifted) = reducedExponential(larger(x, Vector(repeating: -87.3)))
        // n is in -126...0 here, so 2^n is one normal float.
        let power = unsafeBitCast(
            (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23, to: Vector.self)
        let underflow = unsafeBitCast(x - Vector(repeating: -87.3), to: SIMD16<Int32>.self) &>> 31
        return select(underflow, Vector(), expR * power)
    }

    /// What both exponentials share: `n = round(x / ln 2)` carried in `shifted`'s low mantissa bits, and `e^r`
    /// for `r = x - n ln 2` (Cody-Waite's two-part ln 2, then Cephes' degree-6 polynomial).
    @inline(__always)
    private static func reducedExponential(_ clamped: Vector) -> (expR: Vector, shifted: Vector) {
        let magic = Vector(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var polynomial = Vector(repeating: 1.987_569_15e-4)
        polynomial = polynomial * r + 1.398_199_95e-3
        polynomial = polynomial * r + 8.333_451_9e-3
        polynomial = polynomial * r + 4.166_579_6e-2
        polynomial = polynomial * r + 1.666_666_55e-1
        polynomial = polynomial * r + 5.000_000_1e-1
        return (polynomial * r * r + r + 1, shifted)
    }

    /// `target[i] = silu(target[i])`, with the vector exponential.
    static func silu(_ target: UnsafeMutablePointer<Float>, count: Int) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            let value = load(target + index)
            store(value / (1 + exp(-value)), to: target + index)
            index += width
        }
        while index < count {
            target[index] = Activation.silu(target[index])
            index += 1
        }
    }

    /// `erf(x)` lane by lane (Abramowitz and Stegun 7.1.26 with the vector exponential): absolute error below
    /// 2e-7, which is float32 rounding for GELU's `1 + erf`.
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let sign = bits & 0x8000_0000
        let magnitude = unsafeBitCast(bits & 0x7FFF_FFFF, to: Vector.self)
        let t = 1 / (1 + 0.327_591_1 * magnitude)
        var polynomial = Vector(repeating: 1.061_405_429)
        polynomial = polynomial * t - 1.453_152_027
        polynomial = polynomial * t + 1.421_413_741
        polynomial = polynomial * t - 0.284_496_736
        polynomial = polynomial * t + 0.254_829_592
        let result = 1 - polynomial * t * exp(-magnitude * magnitude)
        return unsafeBitCast(unsafeBitCast(result, to: SIMD16<UInt32>.self) ^ sign, to: Vector.self)
    }

    /// The exact GELU, `x * (1 + erf(x / sqrt 2)) / 2`, lane by lane.
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        0.5 * x * (1 + erf(x * 0.707_106_77))
    }

    /// `target[i] = gelu(target[i])`.
    static func gelu(_ target: UnsafeMutablePointer<Float>, count: Int) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            store(gelu(load(target + index)), to: target + index)
            index += width
        }
        while index < count {
            target[index] = Activation.gelu(target[index])
            index += 1
        }
    }

    /// `target[i] = quickGELU(target[i])`, CLIP's `x * sigmoid(1.702 x)`.
    static func quickGELU(_ target: UnsafeMutablePointer<Float>, count: Int) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            let value = load(target + index)
            store(value / (1 + exp(-1.702 * value)), to: target + index)
            index += width
        }
        while index < count {
            target[index] = Activation.quickGELU(target[index])
            index += 1
        }
    }

    /// `target[i] = value[i] * gelu(gate[i])`: GEGLU's gating.
    static func gatedGELU(
        value: UnsafePointer<Float>, gate: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
    ) {
        let vectorEnd = count - count % width
        var index = 0
        while index < vectorEnd {
            store(load(value + index) * gelu(load(gate + index)), to: target + index)
            index += width
        }
        while index < count {
            target[index] = value[index] * Activation.gelu(gate[index])
            index += 1
        }
    }

    /// The larger of `a` and `b` lane by lane, through the sign of `a - b` and bit selects (the standard
    /// library's `pointwiseMax` goes lane by lane). `-inf` against `-inf` gives `-inf`.
    @inline(__always)
    static func larger(_ a: Vector, _ b: Vector) -> Vector {
        select(unsafeBitCast(a - b, to: SIMD16<Int32>.self) &>> 31, b, a)
    }

    /// The smaller of `a` and `b` lane by lane (see `larger`).
    @inline(__always)
    static func smaller(_ a: Vector, _ b: Vector) -> Vector {
        select(unsafeBitCast(a - b, to: SIMD16<Int32>.self) &>> 31, a, b)
    }

    /// `chosen` where `mask` lanes are all ones, `other` where they are zero.
    @inline(__always)
    private static func select(_ mask: SIMD16<Int32>, _ chosen: Vector, _ other: Vector) -> Vector {
        let chosenBits = unsafeBitCast(chosen, to: SIMD16<Int32>.self)
        let otherBits = unsafeBitCast(other, to: SIMD16<Int32>.self)
        return unsafeBitCast((chosenBits & mask) | (otherBits & ~mask), to: Vector.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// Stores the first `lanes` lanes of `value` (all of them as one vector store when `lanes` is the width).
    @inline(__always)
    static func store(_ value: Vector, to pointer: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == width {
            store(value, to: pointer)
        } else {
            for lane in 0..<lanes { pointer[lane] = value[lane] }
        }
    }
}
