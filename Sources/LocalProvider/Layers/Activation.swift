import Foundation

/// The pointwise activations the models use, as scalar functions and as whole-tensor operations.
enum Activation {
    /// `x * sigmoid(x)` (also called swish).
    @inline(__always)
    static func silu(_ x: Float) -> Float { x / (1 + exp(-x)) }

    /// The exact GELU, `x * Phi(x)` with the normal CDF written through `erf`.
    @inline(__always)
    static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * 0.707_106_77)) }

    /// CLIP's "quick" GELU, `x * sigmoid(1.702 x)`.
    @inline(__always)
    static func quickGELU(_ x: Float) -> Float { x / (1 + exp(-1.702 * x)) }

    static func silu(_ input: Tensor) -> Tensor {
        var output = input
        output.apply(VectorKernels.silu)
        return output
    }

    static func gelu(_ input: Tensor) -> Tensor {
        var output = input
        output.apply(VectorKernels.gelu)
        return output
    }

    static func quickGELU(_ input: Tensor) -> Tensor {
        var output = input
        output.apply(VectorKernels.quickGELU)
        return output
    }

    /// GEGLU's gate: splits the last dimension into halves `(value, gate)` and returns `value * gelu(gate)`.
    static func geglu(_ input: Tensor) -> Tensor {
        let doubled = input.shape.last ?? 0
        precondition(doubled % 2 == 0, "GEGLU needs an even last dimension, got \(input.shape)")
        let half = doubled / 2
        let rows = input.count / max(1, doubled)
        return Tensor(shape: Array(input.shape.dropLast()) + [half]) { output in
            let out = output.baseAddress!
            input.scalars.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                Parallel.forRanges(count: rows, minimumPerChunk: max(1, 8192 / max(1, half))) { range in
                    for row in range {
                        let value = source + row * doubled
                        let gate = value + half
                        VectorKernels.gatedGELU(value: value, gate: gate, into: out + row * half, count: half)
                    }
                }
            }
        }
    }
}
