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
