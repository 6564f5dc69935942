import Foundation

/// Softmax over rows of contiguous floats, subtracting each row's maximum first for stability.
enum Softmax {
    /// Replaces each of `rows` rows of `length` floats at `data` by its softmax.
    static func rows(_ data: UnsafeMutablePointer<Float>, rows: Int, length: Int) {
        Parallel.forRanges(count: rows, minimumPerChunk: max(1, 16_384 / max(1, length))) { range in
            for row in range { normalise(data + row * length, length: length) }
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

    private static func normalise(_ row: UnsafeMutablePointer<Float>, length: Int) {
        var largest = -Float.infinity
        for index in 0..<length { largest = max(largest, row[index]) }
        guard largest > -Float.infinity else {
            row.update(repeating: 0, count: length)
            return
        }
        let width = VectorKernels.width
        let shift = VectorKernels.Vector(repeating: largest)
        var partial = VectorKernels.Vector()
        var index = 0
        while index + width <= length {
            let value = VectorKernels.exp(VectorKernels.load(row + index) - shift)
            VectorKernels.store(value, to: row + index)
            partial += value
            index += width
        }
        var total = partial.sum()
        while index < length {
            row[index] = exp(row[index] - largest)
            total += row[index]
            index += 1
        }
        VectorKernels.scale(row, count: length, by: 1 / total)
    }
}
