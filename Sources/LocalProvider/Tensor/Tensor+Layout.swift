import Glibc

/// Layout changes between image (`[N, C, H, W]`) and token (`[N, H*W, C]`) views, channel concatenation, and
/// batches of one repeated item.
extension Tensor {
    /// `[N, C, H, W]` to `[N, H*W, C]`.
    func imageToTokens() -> Tensor {
        precondition(shape.count == 4)
        let (batch, channels, plane) = (shape[0], shape[1], shape[2] * shape[3])
        return transposedInnerTwo(batch: batch, rows: channels, columns: plane, resultShape: [batch, plane, channels])
    }

    /// `[N, H*W, C]` to `[N, C, H, W]`.
    func tokensToImage(height: Int, width: Int) -> Tensor {
        precondition(shape.count == 3 && shape[1] == height * width)
        let (batch, plane, channels) = (shape[0], shape[1], shape[2])
        return transposedInnerTwo(
            batch: batch, rows: plane, columns: channels, resultShape: [batch, channels, height, width])
    }

    private func transposedInnerTwo(batch: Int, rows: Int, columns: Int, resultShape: [Int]) -> Tensor {
        Tensor(shape: resultShape) { output in
            let out = output.baseAddress!
            scalars.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                let block = 32
                for image in 0..<batch {
                    let from = source + image * rows * columns
                    let to = out + image * rows * columns
                    Parallel.forRanges(
                        count: (rows + block - 1) / block, minimumPerChunk: max(1, 16_384 / (block * max(1, columns)))
                    ) {
                        tiles in
                        for tile in tiles {
                            let rowRange = (tile * block)..<min(rows, (tile + 1) * block)
                            var column = 0
                            while column < columns {
                                let columnEnd = min(columns, column + block)
                                for row in rowRange {
                                    for inner in column..<columnEnd {
                                        to[inner * rows + row] = from[row * columns + inner]
                                    }
                                }
                                column = columnEnd
                            }
                        }
                    }
                }
            }
        }
    }

    /// Concatenates NCHW tensors of equal batch and spatial size along the channel dimension.
    static func concatenatingChannels(_ first: Tensor, _ second: Tensor) -> Tensor {
        precondition(first.shape.count == 4 && second.shape.count == 4)
        precondition(first.shape[0] == second.shape[0] && first.shape[2...] == second.shape[2...])
        let batch = first.shape[0]
        let firstBlock = first.count / max(1, batch)
        let secondBlock = second.count / max(1, batch)
        var shape = first.shape
        shape[1] += second.shape[1]
        return Tensor(shape: shape) { output in
            let out = output.baseAddress!
            first.scalars.withUnsafeBufferPointer { a in
                second.scalars.withUnsafeBufferPointer { b in
                    for image in 0..<batch {
                        let target = out + image * (firstBlock + secondBlock)
                        target.update(from: a.baseAddress! + image * firstBlock, count: firstBlock)
                        (target + firstBlock).update(from: b.baseAddress! + image * secondBlock, count: secondBlock)
                    }
                }
            }
        }
    }

    /// Adds `perChannel` (`[N, C]`, or `[1, C]` for every image alike) to every pixel of this `[N, C, H, W]` tensor,
    /// in place.
    mutating func addPerChannel(_ perChannel: Tensor) {
        precondition(
            shape.count == 4 && (perChannel.shape == [shape[0], shape[1]] || perChannel.shape == [1, shape[1]]),
            "cannot add \(perChannel.shape) per channel to \(shape)")
        let (channels, plane) = (shape[1], shape[2] * shape[3])
        let rows = perChannel.shape[0]
        scalars.withUnsafeMutableBufferPointer { data in
            perChannel.scalars.withUnsafeBufferPointer { values in
                for index in 0..<(shape[0] * channels) {
                    let value = values[index % (rows * channels)]
                    VectorKernels.affine(data.baseAddress! + index * plane, count: plane, multiplier: 1, addend: value)
                }
            }
        }
    }

    /// Whether every item along the first dimension equals the first, bit for bit.
    var batchItemsAreIdentical: Bool {
        guard let batch = shape.first, batch > 1 else { return true }
        let size = count / batch
        return scalars.withUnsafeBufferPointer { items in
            (1..<batch).allSatisfy {
                memcmp(items.baseAddress!, items.baseAddress! + $0 * size, size * MemoryLayout<Float>.stride) == 0
            }
        }
    }

    /// The first item along the first dimension, keeping that dimension: `[N, ...] -> [1, ...]`.
    func firstBatchItem() -> Tensor {
        precondition(shape.first.map { $0 > 0 } == true, "no first item in \(shape)")
        return Tensor(shape: [1] + shape.dropFirst(), scalars: Array(scalars.prefix(count / shape[0])))
    }

    /// This one-item tensor repeated `batch` times along the first dimension: `[1, ...] -> [batch, ...]`.
    func repeatingBatch(_ batch: Int) -> Tensor {
        precondition(shape.first == 1 && batch > 0, "cannot repeat \(shape) as a batch of \(batch)")
        return Tensor(shape: [batch] + shape.dropFirst()) { target in
            scalars.withUnsafeBufferPointer { item in
                for index in 0..<batch {
                    (target.baseAddress! + index * item.count).initialize(from: item.baseAddress!, count: item.count)
                }
            }
        }
    }
}
