import CBLAS

/// The one place that calls `cblas_*`: row-major single-precision matrix products.
enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` with row-major operands; `op` transposes when asked.
    ///
    /// `A` is `m x k` after `op`, `B` is `k x n` after `op`, `C` is `m x n`; leading dimensions are row strides.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
