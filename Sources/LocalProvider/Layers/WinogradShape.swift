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
        Parallel.forRanges(count: inputs, minimumPerChunk: 1) { channels in
            let lines = UnsafeMutablePointer<Float>.allocate(capacity: alpha * lineLength)
            let phases = UnsafeMutablePointer<Float>.allocate(capacity: alpha * alpha * padded)
            phases.initialize(repeating: 0, count: alpha * alpha * padded)
            let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: 3 * alpha * alpha)
            defer {
                lines.deallocate()
                phases.deallocate()
                vectors.deallocate()
            }
            let (d, half, full) = (vectors, vectors + alpha * alpha, vectors + 2 * alpha * alpha)
            for channel in channels {
                for row in 0..<rows {
                    let tileRow = firstRow + row
                    let (image, tileY) = (tileRow / tilesDown, tileRow % tilesDown)
                    let plane = source + (image * inputs + channel) * height * width
                    for k in 0..<alpha {
                        fillLine(lines + k * lineLength, length: lineLength, plane: plane, y: m * tileY - padding + k)
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
                        for column in 0..<alpha { tile.inputLine(d + column, alpha, half + column) }
                        for i in 0..<alpha { tile.inputLine(half + i * alpha, 1, full + i * alpha) }
                        for index in 0..<(alpha * alpha) {
                            let target = transformed + (index * inputs + channel) * tiles + row * across + t0
                            VectorKernels.store(full[index], to: target, lanes: lanes)
                        }
                        t0 += Vector.scalarCount
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
        Parallel.forRanges(count: outputs, minimumPerChunk: 1) { channels in
            let pixels = UnsafeMutablePointer<Float>.allocate(capacity: m * m * padded)
            let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: alpha * alpha + alpha * m + m * m)
            defer {
                pixels.deallocate()
                vectors.deallocate()
            }
            let (gathered, half, result) = (vectors, vectors + alpha * alpha, vectors + alpha * alpha + alpha * m)
            for channel in channels {
                let offset = Vector(repeating: bias?[channel] ?? 0)
                for row in 0..<rows {
                    let tileRow = firstRow + row
                    let (image, tileY) = (tileRow / tilesDown, tileRow % tilesDown)
                    var t0 = 0
                    while t0 < across {
                        for index in 0..<(alpha * alpha) {
                            gathered[index] = VectorKernels.load(
                                products + (index * outputs + channel) * tiles + row * across + t0)
                        }
                        for i in 0..<alpha { tile.outputLine(gathered + i * alpha, 1, half + i * m) }
                        for q in 0..<m { tile.outputLine(half + q, m, result + q, offset: offset) }
                        for index in 0..<(m * m) {
                            VectorKernels.store(result[index], to: pixels + index * padded + t0)
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
