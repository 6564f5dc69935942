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
    /// scaling by `2^n` through the exponent bits. About 2 ulp; 0 below -87.3 (so `e^-inf` is 0), +inf above 88.7.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let clamped = x.clamped(lowerBound: Vector(repeating: -87.3), upperBound: Vector(repeating: 88.7))
        let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var polynomial = Vector(repeating: 1.987_569_15e-4)
        polynomial = polynomial * r + 1.398_199_95e-3
        polynomial = polynomial * r + 8.333_451_9e-3
        polynomial = polynomial * r + 4.166_579_6e-2
        polynomial = polynomial * r + 1.666_666_55e-1
        polynomial = polynomial * r + 5.000_000_1e-1
        let expR = polynomial * r * r + r + 1
        // 2^n as two factors so that n = 128 (x near 88.7) stays representable.
        let whole = SIMD16<Int32>(n, rounding: .towardZero)
        let half = whole &>> 1
        let first = unsafeBitCast((half &+ 127) &<< 23, to: Vector.self)
        let second = unsafeBitCast((whole &- half &+ 127) &<< 23, to: Vector.self)
        var result = expR * first * second
        result.replace(with: 0, where: x .< -87.3)
        result.replace(with: .infinity, where: x .> 88.7)
        return result
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
}
