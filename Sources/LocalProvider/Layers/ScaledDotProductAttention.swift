import CEngineKernels

/// Multi-head scaled-dot-product attention, `softmax(Q K^T / sqrt(d)) V`, one head at a time.
///
/// Flash-style either way: queries go in blocks, keys in blocks, and a running row maximum and row sum (online
/// softmax) rescale the output accumulated so far whenever a later key block raises the maximum, so memory stays
/// bounded however long the sequence; heads are read in place from the `[batch, tokens, heads * headSize]` layout
/// through row strides. Unmasked attention on a CPU with AVX-512 goes through a fused kernel
/// (`engine_attention_head`: scores in registers, tile by tile); masked attention, and any attention elsewhere,
/// through two GEMMs and a softmax pass per block (`blocked`).
enum ScaledDotProductAttention {
    /// Query rows per block.
    static let queryBlock = 256
    /// Key columns per block; shorter key sequences go in one block and need no rescaling.
    static let keyBlock = 1024

    /// Whether this CPU runs the fused kernel (it needs AVX-512).
    static let fusedKernelAvailable = engine_attention_supported() != 0

    /// Attends `query` (`[B, Lq, H*D]`) to `key`/`value` (`[B, Lk, H*D]`) with `heads` heads, through the fused
    /// kernel where it applies.
    ///
    /// With `causal`, query position `i` sees key positions `0...i` only (CLIP's text mask).
    static func compute(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false) -> Tensor {
        if !causal && fusedKernelAvailable { return fused(query: query, key: key, value: value, heads: heads) }
        return blocked(query: query, key: key, value: value, heads: heads, causal: causal)
    }

    private static func checkShapes(query: Tensor, key: Tensor, value: Tensor, heads: Int) {
        precondition(query.shape.count == 3 && key.shape.count == 3 && key.shape == value.shape)
        precondition(
            key.shape[0] == query.shape[0] && key.shape[2] == query.shape[2] && query.shape[2] % heads == 0,
            "attention shapes")
    }

    /// Attention through GEMMs: per block of `queryBlock` rows, per block of `keyBlock` keys, a scores product, a
    /// softmax pass and a product with the values.
    static func blocked(
        query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false, queryBlock: Int = queryBlock,
        keyBlock: Int = keyBlock
    ) -> Tensor {
        checkShapes(query: query, key: key, value: value, heads: heads)
        let (batch, queryLength, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keyLength = key.shape[1]
        let headSize = width / heads
        let blockRows = max(1, min(queryLength, queryBlock))
        let blockColumns = max(1, min(keyLength, keyBlock))
        let queryBlocks = (queryLength + blockRows - 1) / blockRows
        let tasks = batch * heads * queryBlocks
        // Query blocks of every head and image are independent: spread them over the cores, and split the work
        // inside a block only when there are fewer blocks than cores.
        let parallelInside = tasks < Parallel.coreCount
        return Tensor(shape: [batch, queryLength, width]) { output in
            let out = output.baseAddress!
            query.scalars.withUnsafeBufferPointer { q in
                key.scalars.withUnsafeBufferPointer { k in
                    value.scalars.withUnsafeBufferPointer { v in
                        let (q, k, v) = (q.baseAddress!, k.baseAddress!, v.baseAddress!)
                        Parallel.forRanges(count: tasks, minimumPerChunk: 1) { range in
                            var state = OnlineSoftmax(rows: blockRows, columns: blockColumns)
                            for task in range {
                                let (image, rest) = task.quotientAndRemainder(dividingBy: heads * queryBlocks)
                                let (head, block) = rest.quotientAndRemainder(dividingBy: queryBlocks)
                                let offset = head * headSize
                                let pointers = HeadPointers(
                                    query: q + image * queryLength * width + offset,
                                    key: k + image * keyLength * width + offset,
                                    value: v + image * keyLength * width + offset,
                                    output: out + image * queryLength * width + offset, width: width,
                                    headSize: headSize)
                                let firstRow = block * blockRows
                                let rows = min(blockRows, queryLength - firstRow)
                                // Causal rows see keys up to their own position only: skip later key blocks.
                                let visible = causal ? min(keyLength, firstRow + rows) : keyLength
                                state.attend(
                                    pointers, firstRow: firstRow, rows: rows, keyLength: visible,
                                    blockColumns: blockColumns, causal: causal, parallel: parallelInside)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension ScaledDotProductAttention {
    /// Unmasked attention through the fused kernel: query blocks of every head and image spread over the cores,
    /// one scratch buffer per core. A task takes `queryBlock` rows, by default a whole head's (the kernel packs the
    /// head's keys and values once per task), split only as far as giving every core two tasks.
    static func fused(query: Tensor, key: Tensor, value: Tensor, heads: Int, queryBlock: Int? = nil) -> Tensor {
        checkShapes(query: query, key: key, value: value, heads: heads)
        let (batch, queryLength, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keyLength = key.shape[1]
        let headSize = width / heads
        let blocksPerHead = max(1, (2 * Parallel.coreCount + batch * heads - 1) / (batch * heads))
        let blockRows = max(1, min(queryLength, queryBlock ?? (queryLength + blocksPerHead - 1) / blocksPerHead))
        let queryBlocks = (queryLength + blockRows - 1) / blockRows
        let scale = 1 / Float(headSize).squareRoot()
        let scratchCount = engine_attention_scratch_floats(blockRows, headSize)
        return Tensor(shape: [batch, queryLength, width]) { output in
            let out = output.baseAddress!
            query.scalars.withUnsafeBufferPointer { q in
                key.scalars.withUnsafeBufferPointer { k in
                    value.scalars.withUnsafeBufferPointer { v in
                        let (q, k, v) = (q.baseAddress!, k.baseAddress!, v.baseAddress!)
                        Parallel.forRanges(count: batch * heads * queryBlocks, minimumPerChunk: 1) { range in
                            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                            defer { scratch.deallocate() }
                            for task in range {
                                let (image, rest) = task.quotientAndRemainder(dividingBy: heads * queryBlocks)
                                let (head, block) = rest.quotientAndRemainder(dividingBy: queryBlocks)
                                let firstRow = block * blockRows
                                let rows = min(blockRows, queryLength - firstRow)
                                let queryOffset = (image * queryLength + firstRow) * width + head * headSize
                                let keyOffset = image * keyLength * width + head * headSize
                                let done = engine_attention_head(
                                    q + queryOffset, k + keyOffset, v + keyOffset, out + queryOffset, rows,
                                    keyLength, headSize, width, scale, scratch)
                                precondition(done != 0, "the fused attention kernel is not supported on this CPU")
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Where one head of one image lives in the `[tokens, width]` query, key, value and output matrices.
struct HeadPointers {
    let query: UnsafePointer<Float>
    let key: UnsafePointer<Float>
    let value: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let width: Int
    let headSize: Int
}
