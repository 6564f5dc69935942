/// Elementwise arithmetic (residual adds, scaling), vectorised with SIMD16 and split across cores.
extension Tensor {
    /// Adds `other` (same shape) element by element, in place.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "cannot add \(other.shape) to \(shape)")
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { target in
            other.scalars.withUnsafeBufferPointer { source in
                let target = target.baseAddress!
                let source = source.baseAddress!
                Parallel.forRanges(count: count) { range in
                    VectorKernels.add(source + range.lowerBound, into: target + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// `self + other`, element by element.
    public func adding(_ other: Tensor) -> Tensor {
        var result = self
        result.add(other)
        return result
    }

    /// Multiplies every element by `factor`, in place.
    public mutating func scale(by factor: Float) {
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            Parallel.forRanges(count: count) { range in
                VectorKernels.scale(target + range.lowerBound, count: range.count, by: factor)
            }
        }
    }

    /// Applies `transform` to every element, in place, across cores.
    mutating func apply(_ transform: (Float) -> Float) {
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            Parallel.forRanges(count: count, minimumPerChunk: 8192) { range in
                for index in range { target[index] = transform(target[index]) }
            }
        }
    }
}
