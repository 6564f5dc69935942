/// Multi-head scaled-dot-product attention, `softmax(Q K^T / sqrt(d)) V`, one head at a time through GEMM.
///
/// Heads are read in place from the `[batch, tokens, heads * headSize]` layout via BLAS row strides, and the
/// score matrix is computed in blocks of query rows so its buffer stays bounded for long sequences.
enum ScaledDotProductAttention {
    /// The most score elements held at once (16 MiB of floats).
    static let scoreBlockElements = 4 << 20

    /// Attends `query` (`[B, Lq, H*D]`) to `key`/`value` (`[B, Lk, H*D]`) with `heads` heads.
    ///
    /// With `causal`, query position `i` sees key positions `0...i` only (CLIP's text mask).
    static func compute(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> Tensor {
        precondition(query.shape.count == 3 && key.shape.count == 3 && key.shape == value.shape)
        let (batch, queryLength, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keyLength = key.shape[1]
        precondition(key.shape[0] == batch && key.shape[2] == width && width % heads == 0, "attention shapes")
        let headSize = width / heads
        let scale = 1 / Float(headSize).squareRoot()
        let blockRows = max(1, min(queryLength, scoreBlockElements / max(1, keyLength)))
        var scores = [Float](repeating: 0, count: blockRows * keyLength)
        return Tensor(shape: [batch, queryLength, width]) { output in
            let out = output.baseAddress!
            query.scalars.withUnsafeBufferPointer { q in
                key.scalars.withUnsafeBufferPointer { k in
                    value.scalars.withUnsafeBufferPointer { v in
                        scores.withUnsafeMutableBufferPointer { scores in
                            let scores = scores.baseAddress!
                            for image in 0..<batch {
                                for head in 0..<heads {
                                    let queryBase = q.baseAddress! + image * queryLength * width + head * headSize
                                    let keyBase = k.baseAddress! + image * keyLength * width + head * headSize
                                    let valueBase = v.baseAddress! + image * keyLength * width + head * headSize
                                    let outBase = out + image * queryLength * width + head * headSize
                                    var firstRow = 0
                                    while firstRow < queryLength {
                                        let rows = min(blockRows, queryLength - firstRow)
                                        BLAS.gemm(
                                            transposeB: true, m: rows, n: keyLength, k: headSize, alpha: scale,
                                            a: queryBase + firstRow * width, lda: width, b: keyBase, ldb: width,
                                            c: scores, ldc: keyLength)
                                        if causal {
                                            maskFuture(scores, rows: rows, firstRow: firstRow, keyLength: keyLength)
                                        }
                                        Softmax.rows(scores, rows: rows, length: keyLength)
                                        BLAS.gemm(
                                            m: rows, n: headSize, k: keyLength, a: scores, lda: keyLength,
                                            b: valueBase, ldb: width, c: outBase + firstRow * width, ldc: width)
                                        firstRow += rows
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func maskFuture(_ scores: UnsafeMutablePointer<Float>, rows: Int, firstRow: Int, keyLength: Int) {
        for row in 0..<rows {
            let visible = min(keyLength, firstRow + row + 1)
            (scores + row * keyLength + visible).update(repeating: -.infinity, count: keyLength - visible)
        }
    }
}
