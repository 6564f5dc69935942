/// How a convolution is computed; every choice gives the same result up to float32 rounding.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// Winograd F(4x4) or F(2x2) where the shape pays for it, im2col + GEMM otherwise.
    case automatic
    /// Every receptive field as a column, then one GEMM per image.
    case im2col
    /// Winograd F(2x2, 3x3): 2.25 times fewer multiplications (3x3, stride 1 only).
    case winograd2x2
    /// Winograd F(4x4, 3x3): 4 times fewer multiplications (3x3, stride 1 only).
    case winograd4x4
}
