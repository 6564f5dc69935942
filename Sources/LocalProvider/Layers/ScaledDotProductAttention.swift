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
        let (batch, queryLength, keyLength) = (query.shape[0], query.shape[1], key.shape[1])
        let blockRows = max(1, min(queryLength, queryBlock))
        let blockColumns = max(1, min(keyLength, keyBlock))
        // Split the work inside a block only when there are fewer blocks than cores.
        let parallelInside = batch * heads * ((queryLength + blockRows - 1) / blockRows) < Parallel.coreCount
        return forEachQueryBlock(
            query: query, key: key, value: value, heads: heads, blockRows: blockRows,
            perCore: { OnlineSoftmax(rows: blockRows, columns: blockColumns) }
        ) { state, head, firstRow, rows in
            // Causal rows see keys up to their own position only: skip later key blocks.
            let visible = causal ? min(keyLength, firstRow + rows) : keyLength
            state.attend(
                head, firstRow: firstRow, rows: rows, keyLength: visible, blockColumns: blockColumns, causal: causal,
                parallel: parallelInside)
        }
    }

    /// Spreads the tasks, one per image, head and block of `blockRows` query rows, over the cores, and returns the
    /// output they write: `perCore` makes a core's working state, `attend` runs one task given its head's
    /// matrices and its rows.
    private static func forEachQueryBlock<State>(
        query: Tensor, key: Tensor, value: Tensor, heads: Int, blockRows: Int, perCore: () -> State,
        attend: (inout State, HeadPointers, _ firstRow: Int, _ rows: Int) -> Void
    ) -> Tensor {
        let (batch, queryLength, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keyLength = key.shape[1]
        let headSize = width / heads
        let queryBlocks = (queryLength + blockRows - 1) / blockRows
        return Tensor(shape: [batch, queryLength, width]) { output in
            let out = output.baseAddress!
            query.scalars.withUnsafeBufferPointer { q in
                key.scalars.withUnsafeBufferPointer { k in
                    value.scalars.withUnsafeBufferPointer { v in
                        let (q, k, v) = (q.baseAddress!, k.baseAddress!, v.baseAddress!)
                        Parallel.forRanges(count: batch * heads * queryBlocks, minimumPerChunk: 1) { range in
                            var state = perCore()
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
                                attend(&state, pointers, firstRow, min(blockRows, queryLength - firstRow))
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
        let (batch, queryLength, keyLength) = (query.shape[0], query.shape[1], key.shape[1])
        let headSize = query.shape[2] / heads
        let blocksPerHead = max(1, (2 * Parallel.coreCount + batch * heads - 1) / (batch * heads))
        let blockRows = max(1, min(queryLength, queryBlock ?? (queryLength + blocksPerHead - 1) / blocksPerHead))
        let scale = 1 / Float(headSize).squareRoot()
        let scratchCount = engine_attention_scratch_floats(blockRows, headSize)
        return forEachQueryBlock(
            query: query, key: key, value: value, heads: heads, blockRows: blockRows,
            perCore: { [Float](repeating: 0, count: scratchCount) }
        ) { scratch, head, firstRow, rows in
            let done = scratch.withUnsafeMutableBufferPointer { scratch in
                engine_attention_head(
                    head.query + firstRow * head.width, head.key, head.value, head.output + firstRow * head.width,
                    rows, keyLength, head.headSize, head.width, scale, scratch.baseAddress!)
            }
            precondition(done != 0, "the fused attention kernel is not supported on this CPU")
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
