/// Softmax over rows of contiguous floats, subtracting each row's maximum first for stability.
enum Softmax {
    /// Replaces each of `rows` rows of `length` floats at `data` by its softmax.
    static func rows(_ data: UnsafeMutablePointer<Float>, rows: Int, length: Int) {
        Parallel.forRanges(count: rows, minimumPerChunk: max(1, 16_384 / max(1, length))) { range in
            for row in range {
                let total = exponentiate(data + row * length, length: length)
                VectorKernels.scale(data + row * length, count: length, by: total > 0 ? 1 / total : 0)
            }
        }
    }

    /// Softmax over the last dimension of `input`.
    static func lastDimension(_ input: Tensor) -> Tensor {
        let length = input.shape.last ?? 0
        var output = input
        guard length > 0 else { return output }
        output.scalars.withUnsafeMutableBufferPointer { data in
            rows(data.baseAddress!, rows: input.count / length, length: length)
        }
        return output
    }

    /// Replaces `row` by `e^(x - max)` and returns the sum of those values (a row of `-inf` becomes zeros, sum 0).
    static func exponentiate(_ row: UnsafeMutablePointer<Float>, length: Int) -> Float {
        let largest = VectorKernels.maximum(row, count: length)
        guard largest > -Float.infinity else {
            row.update(repeating: 0, count: length)
            return 0
        }
        return VectorKernels.exponentiate(row, count: length, shift: largest)
    }
}
