/// The tiling of one Winograd convolution call, and its input and output transforms.
///
/// Tiles are numbered row by row over the batch: tile row `r` is image `r / tilesDown`, tile row
/// `r % tilesDown`. Transformed buffers hold one chunk of tile rows, `[alpha^2][channels][chunk tiles]`.
struct WinogradShape: Sendable {
    typealias Vector = VectorKernels.Vector

    let tile: WinogradTile
    let batch: Int
    let inputs: Int
    let outputs: Int
    let height: Int
    let width: Int
    let padding: Int

    var outHeight: Int { height + 2 * padding - 2 }
    var outWidth: Int { width + 2 * padding - 2 }
    var tilesDown: Int { (outHeight + tile.outputSize - 1) / tile.outputSize }
    var tilesAcross: Int { (outWidth + tile.outputSize - 1) / tile.outputSize }
    var tileRows: Int { batch * tilesDown }
    /// `tilesAcross` rounded up to whole vectors: the row length of the per-row scratch planes.
    private var paddedAcross: Int {
        (tilesAcross + Vector.scalarCount - 1) / Vector.scalarCount * Vector.scalarCount
    }

    /// `B^T d B` of every tile of tile rows `firstRow..<firstRow + rows`, for every input channel.
    func transformInput(
        _ source: UnsafePointer<Float>, firstRow: Int, rows: Int, into transformed: UnsafeMutablePointer<Float>
    ) {
        let (m, alpha) = (tile.outputSize, tile.inputSize)
        let (across, padded) = (tilesAcross, paddedAcross)
        let lineLength = m * across + 2
        let tiles = rows * across
        tile.inputTransform.withUnsafeBufferPointer { transform in
            let bt = transform.baseAddress!
            Parallel.forRanges(count: inputs, minimumPerChunk: 1) { channels in
                let lines = UnsafeMutablePointer<Float>.allocate(capacity: alpha * lineLength)
                let phases = UnsafeMutablePointer<Float>.allocate(capacity: alpha * alpha * padded)
                phases.initialize(repeating: 0, count: alpha * alpha * padded)
                let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: 2 * alpha * alpha)
                defer {
                    lines.deallocate()
                    phases.deallocate()
                    vectors.deallocate()
                }
                let (d, half) = (vectors, vectors + alpha * alpha)
                for channel in channels {
                    for row in 0..<rows {
                        let tileRow = firstRow + row
                        let (image, tileY) = (tileRow / tilesDown, tileRow % tilesDown)
                        let plane = source + (image * inputs + channel) * height * width
                        for k in 0..<alpha {
                            fillLine(
                                lines + k * lineLength, length: lineLength, plane: plane, y: m * tileY - padding + k)
                        }
                        for k in 0..<alpha {
                            for column in 0..<alpha {
                                let line = lines + k * lineLength + column
                                let phase = phases + (k * alpha + column) * padded
                                for t in 0..<across { phase[t] = line[m * t] }
                            }
                        }
                        var t0 = 0
                        while t0 < across {
                            let lanes = min(Vector.scalarCount, across - t0)
                            for index in 0..<(alpha * alpha) {
                                d[index] = VectorKernels.load(phases + index * padded + t0)
                            }
                            for i in 0..<alpha {
                                for column in 0..<alpha {
                                    var sum = Vector()
                                    for k in 0..<alpha where bt[i * alpha + k] != 0 {
                                        sum += bt[i * alpha + k] * d[k * alpha + column]
                                    }
                                    half[i * alpha + column] = sum
                                }
                            }
                            for i in 0..<alpha {
                                for j in 0..<alpha {
                                    var sum = Vector()
                                    for column in 0..<alpha where bt[j * alpha + column] != 0 {
                                        sum += bt[j * alpha + column] * half[i * alpha + column]
                                    }
                                    let target =
                                        transformed + ((i * alpha + j) * inputs + channel) * tiles + row * across + t0
                                    VectorKernels.store(sum, to: target, lanes: lanes)
                                }
                            }
                            t0 += Vector.scalarCount
                        }
                    }
                }
            }
        }
    }

    /// `A^T M A` of every tile's products plus the bias, written into the output image (`[N, C_out, H', W']`).
    func transformOutput(
        _ products: UnsafePointer<Float>, firstRow: Int, rows: Int, bias: [Float]?,
        into output: UnsafeMutablePointer<Float>
    ) {
        let (m, alpha) = (tile.outputSize, tile.inputSize)
        let (across, padded) = (tilesAcross, paddedAcross)
        let (outHeight, outWidth) = (outHeight, outWidth)
        let tiles = rows * across
        tile.outputTransform.withUnsafeBufferPointer { transform in
            let at = transform.baseAddress!
            Parallel.forRanges(count: outputs, minimumPerChunk: 1) { channels in
                let pixels = UnsafeMutablePointer<Float>.allocate(capacity: m * m * padded)
                let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: alpha * alpha + alpha * m)
                defer {
                    pixels.deallocate()
                    vectors.deallocate()
                }
                let (gathered, half) = (vectors, vectors + alpha * alpha)
                for channel in channels {
                    let offset = bias?[channel] ?? 0
                    for row in 0..<rows {
                        let tileRow = firstRow + row
                        let (image, tileY) = (tileRow / tilesDown, tileRow % tilesDown)
                        var t0 = 0
                        while t0 < across {
                            for index in 0..<(alpha * alpha) {
                                gathered[index] = VectorKernels.load(
                                    products + (index * outputs + channel) * tiles + row * across + t0)
                            }
                            for i in 0..<alpha {
                                for q in 0..<m {
                                    var sum = Vector()
                                    for j in 0..<alpha where at[q * alpha + j] != 0 {
                                        sum += at[q * alpha + j] * gathered[i * alpha + j]
                                    }
                                    half[i * m + q] = sum
                                }
                            }
                            for p in 0..<m {
                                for q in 0..<m {
                                    var sum = Vector(repeating: offset)
                                    for i in 0..<alpha where at[p * alpha + i] != 0 {
                                        sum += at[p * alpha + i] * half[i * m + q]
                                    }
                                    VectorKernels.store(sum, to: pixels + (p * m + q) * padded + t0)
                                }
                            }
                            t0 += Vector.scalarCount
                        }
                        for p in 0..<m {
                            let y = m * tileY + p
                            guard y < outHeight else { break }
                            let line = output + ((image * outputs + channel) * outHeight + y) * outWidth
                            for q in 0..<m {
                                let source = pixels + (p * m + q) * padded
                                let count = (outWidth - q + m - 1) / m
                                for t in 0..<count { line[m * t + q] = source[t] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Copies input row `y` into `line` with the left padding in front, zeros outside the image.
    private func fillLine(_ line: UnsafeMutablePointer<Float>, length: Int, plane: UnsafePointer<Float>, y: Int) {
        guard y >= 0 && y < height else {
            line.update(repeating: 0, count: length)
            return
        }
        let end = min(length, padding + width)
        line.update(repeating: 0, count: min(length, padding))
        if end > padding { (line + padding).update(from: plane + y * width, count: end - padding) }
        if end < length { (line + end).update(repeating: 0, count: length - end) }
    }
}
