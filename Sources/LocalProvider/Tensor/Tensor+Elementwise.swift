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

    /// Runs `kernel` (an in-place loop over `count` floats, e.g. a `VectorKernels` activation) over every element,
    /// split across cores.
    mutating func apply(_ kernel: (UnsafeMutablePointer<Float>, Int) -> Void) {
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { target in
            let target = target.baseAddress!
            Parallel.forRanges(count: count, minimumPerChunk: 8192) { range in
                kernel(target + range.lowerBound, range.count)
            }
        }
    }
}
