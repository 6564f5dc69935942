/// Winograd F(m x m, 3x3) for stride-1 3x3 convolutions: the input is cut into overlapping tiles, tiles and
/// weights go to the transformed domain, `alpha^2` GEMMs (`U[xi] (out x in) * V[xi] (in x tiles)`, weights on the
/// left as OpenBLAS likes them) replace the one big im2col GEMM, and the products are transformed back.
///
/// Tile rows are processed in chunks so the transformed buffers stay bounded for large images.
extension Conv2d {
    typealias Vector = VectorKernels.Vector

    /// The most floats the transformed input and products of one chunk may hold together (64 MiB).
    static let winogradChunkElements = 16 << 20
    /// The most floats one block of transformed weights holds (32 MiB): the weights of a wide convolution are
    /// split by output channels. glibc's arenas for threads other than the main one hold at most 64 MB per heap, so
    /// a larger block (the 1280-channel upsampler's are 236 MB) would be a fresh mapping, faulted in again on every
    /// call; blocks this size are reused.
    static let winogradWeightBlockElements = 8 << 20
    /// F(4x4) needs at least this many tiles per call to beat the alternatives (measured, see BENCHMARKS.md).
    static let winograd4x4MinimumTiles = 128
    /// F(2x2) needs at least this many tiles per call to beat im2col + GEMM: SD's 16x16 level with batch 2 has
    /// 128 (1280 channels: 72 against 82 ms; a 512x512 UNet evaluation 0.37 s faster), its 8x8 level 32.
    static let winograd2x2MinimumTiles = 128

    /// Convolves `input` (`[N, C_in, H, W]`, 3x3 kernel, stride 1) through `tile`'s Winograd algorithm, holding at
    /// most about `chunkElements` transformed floats at once (always at least one row of tiles) and the transformed
    /// weights in blocks of about `weightBlockElements` floats (always at least one output channel).
    func winograd(
        _ input: Tensor, tile: WinogradTile, chunkElements: Int = winogradChunkElements,
        weightBlockElements: Int = winogradWeightBlockElements
    ) -> Tensor {
        precondition(kernelHeight == 3 && kernelWidth == 3 && stride == 1, "Winograd needs a 3x3, stride-1 kernel")
        precondition(input.shape.count == 4 && input.shape[1] == inputChannels, "conv2d got \(input.shape)")
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let shape = WinogradShape(
            tile: tile, batch: batch, inputs: inputChannels, outputs: outputChannels, height: height, width: width,
            padding: padding)
        let positions = tile.inputSize * tile.inputSize
        let perTile = positions * (inputChannels + outputChannels)
        let rowsPerChunk = max(1, min(shape.tileRows, chunkElements / (perTile * shape.tilesAcross)))
        let chunkTiles = rowsPerChunk * shape.tilesAcross
        let (inputs, outputs) = (inputChannels, outputChannels)
        let groups = Self.outputGroups(outputs, most: max(1, weightBlockElements / (positions * inputs)))
        let weights = groups.map { group in
            let block = UnsafeMutablePointer<Float>.allocate(capacity: positions * group.count * inputs)
            transformWeights(tile, outputs: group, into: block)
            return UnsafePointer(block)
        }
        defer { for block in weights { block.deallocate() } }
        // Both buffers are written before they are read; products get one vector of slack for whole-vector reads.
        let transformedCount = positions * inputChannels * chunkTiles
        var transformed = [Float](unsafeUninitializedCapacity: transformedCount) { $1 = transformedCount }
        let productCount = positions * outputChannels * chunkTiles + Vector.scalarCount
        var products = [Float](unsafeUninitializedCapacity: productCount) { $1 = productCount }
        return Tensor(shape: [batch, outputs, shape.outHeight, shape.outWidth]) { output in
            input.scalars.withUnsafeBufferPointer { source in
                transformed.withUnsafeMutableBufferPointer { transformed in
                    products.withUnsafeMutableBufferPointer { products in
                        var firstRow = 0
                        while firstRow < shape.tileRows {
                            let rows = min(rowsPerChunk, shape.tileRows - firstRow)
                            let tiles = rows * shape.tilesAcross
                            shape.transformInput(
                                source.baseAddress!, firstRow: firstRow, rows: rows,
                                into: transformed.baseAddress!)
                            let (v, m) = (transformed.baseAddress!, products.baseAddress!)
                            // The positions' products are independent: single-threaded GEMMs (one per group of
                            // output channels), positions side by side.
                            Parallel.forRanges(count: positions, minimumPerChunk: 1) { range in
                                for position in range {
                                    for (group, u) in zip(groups, weights) {
                                        BLAS.gemm(
                                            m: group.count, n: tiles, k: inputs,
                                            a: u + position * group.count * inputs, lda: inputs,
                                            b: v + position * inputs * tiles, ldb: tiles,
                                            c: m + (position * outputs + group.lowerBound) * tiles, ldc: tiles,
                                            parallel: false)
                                    }
                                }
                            }
                            shape.transformOutput(
                                products.baseAddress!, firstRow: firstRow, rows: rows, bias: bias?.scalars,
                                into: output.baseAddress!)
                            firstRow += rows
                        }
                    }
                }
            }
        }
    }

    /// `outputs` channels in groups of at most about `most`, as even as multiples of 16 (OpenBLAS's row block) allow.
    static func outputGroups(_ outputs: Int, most: Int) -> [Range<Int>] {
        let count = (outputs + most - 1) / most
        var size = (outputs + count - 1) / count
        if count > 1 && size > 16 { size = (size + 15) / 16 * 16 }
        return Swift.stride(from: 0, to: outputs, by: size).map { $0..<min($0 + size, outputs) }
    }

    /// Writes `G g G^T` of every (output, input) kernel pair of the output channels `outputs` to `target`, laid out
    /// `[alpha^2][outputs][in]`. Mapped kernels are converted 16 pairs at a time as the transform reads them.
    func transformWeights(_ tile: WinogradTile, outputs: Range<Int>, into target: UnsafeMutablePointer<Float>) {
        switch weights {
        case .converted(let weight):
            weight.scalars.withUnsafeBufferPointer { kernels in
                transformWeights(tile, outputs: outputs, into: target) { first, _, _ in
                    UnsafePointer(kernels.baseAddress! + first)
                }
            }
        case .mapped(let elements):
            transformWeights(tile, outputs: outputs, into: target) { first, count, staging in
                elements.convert(first, count, staging)
                return UnsafePointer(staging)
            }
        }
    }

    /// The transform over kernels that `kernels(first, count, staging)` provides: a pointer to elements
    /// `first..<first + count` (at most 16 pairs' worth), in place or written to `staging` for the call.
    private func transformWeights(
        _ tile: WinogradTile, outputs: Range<Int>, into target: UnsafeMutablePointer<Float>,
        kernels: (_ first: Int, _ count: Int, _ staging: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    ) {
        let alpha = tile.inputSize
        let pairs = outputs.count * inputChannels
        let firstPair = outputs.lowerBound * inputChannels
        let width = Vector.scalarCount
        Parallel.forRanges(count: (pairs + width - 1) / width, minimumPerChunk: 64) { blocks in
            let vectors = UnsafeMutablePointer<Vector>.allocate(capacity: 9 + 3 * alpha + alpha * alpha)
            let staging = UnsafeMutablePointer<Float>.allocate(capacity: 9 * width)
            // The 16 pairs' taps, tap by tap, so that each tap is one vector load (lanes past the last pair hold
            // whatever they held and are never stored).
            let byTap = UnsafeMutablePointer<Float>.allocate(capacity: 9 * width)
            byTap.initialize(repeating: 0, count: 9 * width)
            defer {
                vectors.deallocate()
                staging.deallocate()
                byTap.deallocate()
            }
            let (taps, half, full) = (vectors, vectors + 9, vectors + 9 + 3 * alpha)
            for block in blocks {
                let first = block * width
                let lanes = min(width, pairs - first)
                let source = kernels((firstPair + first) * 9, lanes * 9, staging)
                for lane in 0..<lanes {
                    for tap in 0..<9 { byTap[tap * width + lane] = source[lane * 9 + tap] }
                }
                for tap in 0..<9 { taps[tap] = VectorKernels.load(byTap + tap * width) }
                for column in 0..<3 { tile.kernelLine(taps + column, 3, half + column) }
                for a in 0..<alpha { tile.kernelLine(half + a * 3, 1, full + a * alpha) }
                for position in 0..<(alpha * alpha) {
                    VectorKernels.store(full[position], to: target + position * pairs + first, lanes: lanes)
                }
            }
        }
    }
}
