import CEngineKernels

/// A linear layer's `[out, in]` weight laid out once, at load, as `engine_panel_product` reads it (panels of 32
/// outputs, see `engine_pack_weight_panels`), for products with few rows: a BLAS packs the weight again on every
/// call, which with CLIP's 154 rows cost about a sixth of the product's time. Only where the CPU runs the kernel
/// (AVX-512).
final class WeightPanels: Sendable {
    static let kernelAvailable = engine_panel_product_supported() != 0

    let outputs: Int
    let inputs: Int
    /// Written once in `init`, read-only after.
    private nonisolated(unsafe) let storage: UnsafeMutableBufferPointer<Float>

    /// Lays out `weight` (`[out, in]`), or nil when this CPU lacks the kernel's instructions.
    init?(_ weight: Tensor) {
        guard Self.kernelAvailable, weight.shape.count == 2 else { return nil }
        outputs = weight.shape[0]
        inputs = weight.shape[1]
        let raw = UnsafeMutableRawBufferPointer.allocate(
            byteCount: engine_weight_panels_floats(outputs, inputs) * MemoryLayout<Float>.stride, alignment: 64)
        storage = raw.bindMemory(to: Float.self)
        let (outputs, inputs, target) = (outputs, inputs, storage.baseAddress)
        weight.scalars.withUnsafeBufferPointer { weight in
            Parallel.forRanges(count: engine_weight_panels(outputs), minimumPerChunk: 8) { panels in
                engine_pack_weight_panels(
                    weight.baseAddress, outputs, inputs, panels.lowerBound, panels.upperBound, target)
            }
        }
    }

    deinit { storage.deallocate() }

    /// `output = input W^T (+ bias)` for `rows` contiguous rows, the panels split across cores when large enough.
    func product(
        _ input: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0, outputs > 0 else { return }
        let panels = engine_weight_panels(outputs)
        let panelWork = max(1, rows * 32 * inputs)  // multiply-adds per panel of 32 outputs
        Parallel.forRanges(count: panels, minimumPerChunk: max(1, BLAS.parallelMinimumWork / panelWork)) { range in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: engine_panel_product_scratch_floats())
            defer { scratch.deallocate() }
            let done = engine_panel_product(
                input, rows, inputs, storage.baseAddress, outputs, bias, output, range.lowerBound, range.upperBound,
                scratch)
            precondition(done == 1, "engine_panel_product refused a CPU that WeightPanels accepted")
        }
    }
}
