/// The engine's compute kernels as plain functions over tensors, for benchmarks and tools that time or check
/// one operation outside a model (the models call the layer types directly).
public enum EngineKernels {
    /// 2-D convolution of `input` (`[N, C_in, H, W]`) with `weight` (`[C_out, C_in, kh, kw]`).
    public static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
        algorithm: ConvolutionAlgorithm = .automatic
    ) -> Tensor {
        Conv2d(weight: weight, bias: bias, stride: stride, padding: padding)(input, algorithm: algorithm)
    }

    /// Group normalisation of `input` (`[N, C, ...]`) with per-channel `weight` and `bias`, then SiLU when asked.
    public static func groupNorm(
        _ input: Tensor, groups: Int, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5, thenSiLU: Bool = false
    ) -> Tensor {
        GroupNorm(groups: groups, epsilon: epsilon, weight: weight, bias: bias)(input, thenSiLU: thenSiLU)
    }

    /// Layer normalisation over the last dimension of `input`.
    public static func layerNorm(_ input: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) -> Tensor {
        LayerNorm(epsilon: epsilon, weight: weight, bias: bias)(input)
    }

    /// `input W^T + b` over the last dimension (`weight` is `[out, in]`).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        Linear(weight: weight, bias: bias)(input)
    }

    /// A linear layer over `weight` (`[out, in]`) prepared once for many calls; with `inPanels`, its weight laid
    /// out for few-row inputs as the text encoder's layers are (where the CPU runs that kernel).
    public static func linearLayer(weight: Tensor, bias: Tensor?, inPanels: Bool) -> @Sendable (Tensor) -> Tensor {
        let layer = Linear(weight: weight, bias: bias)
        return inPanels ? layer.laidOutInPanels().callAsFunction : layer.callAsFunction
    }

    /// GEGLU: the last dimension split into `(value, gate)`, giving `value * gelu(gate)`.
    public static func geglu(_ input: Tensor) -> Tensor {
        Activation.geglu(input)
    }

    /// Multi-head attention of `query` (`[B, Lq, H*D]`) over `key` and `value` (`[B, Lk, H*D]`); with
    /// `throughGEMMs`, by the GEMM route even where the fused kernel would run.
    public static func attention(
        query: Tensor, key: Tensor, value: Tensor, heads: Int, throughGEMMs: Bool = false
    ) -> Tensor {
        throughGEMMs
            ? ScaledDotProductAttention.blocked(query: query, key: key, value: value, heads: heads)
            : ScaledDotProductAttention.compute(query: query, key: key, value: value, heads: heads)
    }
}
