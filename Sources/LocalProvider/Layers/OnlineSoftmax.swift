import Foundation

/// The buffers of one query block's flash-style attention: a block of scores, and per row the running maximum
/// and the running sum of exponentials, reused for every block of a call.
struct OnlineSoftmax {
    private var scores: [Float]
    private var maxima: [Float]
    private var sums: [Float]

    init(rows: Int, columns: Int) {
        scores = [Float](repeating: 0, count: rows * columns)
        maxima = [Float](repeating: 0, count: rows)
        sums = [Float](repeating: 0, count: rows)
    }

    /// Writes the attention output of query rows `firstRow..<firstRow + rows` over keys `0..<keyLength`; with
    /// `parallel`, the products and the softmax rows are split across cores.
    mutating func attend(
        _ head: HeadPointers, firstRow: Int, rows: Int, keyLength: Int, blockColumns: Int, causal: Bool,
        parallel: Bool
    ) {
        let scale = 1 / Float(head.headSize).squareRoot()
        let (width, headSize) = (head.width, head.headSize)
        let output = head.output + firstRow * width
        scores.withUnsafeMutableBufferPointer { scores in
            maxima.withUnsafeMutableBufferPointer { maxima in
                sums.withUnsafeMutableBufferPointer { sums in
                    let (scores, maxima, sums) = (scores.baseAddress!, maxima.baseAddress!, sums.baseAddress!)
                    maxima.update(repeating: -.infinity, count: rows)
                    sums.update(repeating: 0, count: rows)
                    var firstColumn = 0
                    while firstColumn < keyLength {
                        let columns = min(blockColumns, keyLength - firstColumn)
                        BLAS.gemm(
                            transposeB: true, m: rows, n: columns, k: headSize, alpha: scale,
                            a: head.query + firstRow * width, lda: width, b: head.key + firstColumn * width,
                            ldb: width, c: scores, ldc: columns, parallel: parallel)
                        let first = firstColumn == 0
                        Parallel.forRanges(count: rows, minimumPerChunk: parallel ? max(1, 16_384 / columns) : rows) {
                            range in
                            for row in range {
                                let line = scores + row * columns
                                if causal {
                                    let visible = max(0, min(columns, firstRow + row + 1 - firstColumn))
                                    (line + visible).update(repeating: -.infinity, count: columns - visible)
                                }
                                let blockMaximum = VectorKernels.maximum(line, count: columns)
                                let maximum = max(maxima[row], blockMaximum)
                                guard maximum > -.infinity else {
                                    line.update(repeating: 0, count: columns)
                                    continue
                                }
                                let total = VectorKernels.exponentiate(line, count: columns, shift: maximum)
                                if first {
                                    sums[row] = total
                                } else {
                                    let correction = exp(maxima[row] - maximum)
                                    sums[row] = sums[row] * correction + total
                                    VectorKernels.scale(output + row * width, count: headSize, by: correction)
                                }
                                maxima[row] = maximum
                            }
                        }
                        BLAS.gemm(
                            m: rows, n: headSize, k: columns, a: scores, lda: columns,
                            b: head.value + firstColumn * width, ldb: width, beta: first ? 0 : 1, c: output,
                            ldc: width, parallel: parallel)
                        firstColumn += columns
                    }
                    for row in 0..<rows {
                        VectorKernels.scale(
                            output + row * width, count: headSize, by: sums[row] > 0 ? 1 / sums[row] : 0)
                    }
                }
            }
        }
    }
}
