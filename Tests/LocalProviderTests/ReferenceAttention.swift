import Foundation

@testable import LocalProvider

/// Multi-head attention computed the plain way in double precision, the reference the engine's routes are checked
/// against: `[B, Lq, H*D]` queries over `[B, Lk, H*D]` keys and values, row-major like the output.
enum ReferenceAttention {
    static func compute(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> [Double] {
        let (batch, queryLength, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keyLength = key.shape[1]
        let headSize = width / heads
        var output = [Double](repeating: 0, count: batch * queryLength * width)
        for image in 0..<batch {
            for head in 0..<heads {
                for row in 0..<queryLength {
                    let visible = causal ? row + 1 : keyLength
                    let q = (0..<headSize).map {
                        Double(query.scalars[(image * queryLength + row) * width + head * headSize + $0])
                    }
                    let scores = (0..<visible).map { j in
                        (0..<headSize).reduce(0.0) { sum, c in
                            sum + q[c] * Double(key.scalars[(image * keyLength + j) * width + head * headSize + c])
                        } / Double(headSize).squareRoot()
                    }
                    let largest = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - largest) }
                    let total = weights.reduce(0, +)
                    for c in 0..<headSize {
                        output[(image * queryLength + row) * width + head * headSize + c] =
                            (0..<visible).reduce(0.0) { sum, j in
                                sum + weights[j]
                                    * Double(value.scalars[(image * keyLength + j) * width + head * headSize + c])
                            } / total
                    }
                }
            }
        }
        return output
    }
}
