import CBLAS

/// The one place that calls `cblas_*`: row-major single-precision matrix products.
///
/// OpenBLAS runs every call on the calling thread and the engine splits products across cores itself: one
/// fork-join per product instead of OpenBLAS's synchronisation per panel (which stalls badly when other processes
/// share the cores), and independent products (Winograd positions, attention heads) can run side by side.
enum BLAS {
    /// Products smaller than this many multiply-adds stay on one thread.
    static let parallelMinimumWork = 1 << 22

    private static let singleThreadedLibrary: Void = openblas_set_num_threads(1)

    /// `C = alpha * op(A) * op(B) + beta * C` with row-major operands; `op` transposes when asked.
    ///
    /// `A` is `m x k` after `op`, `B` is `k x n` after `op`, `C` is `m x n`; leading dimensions are row strides.
    /// With `parallel`, a large product is split along its longer side of `C` across cores.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true
    ) {
        _ = singleThreadedLibrary
        guard m > 0, n > 0 else { return }
        let block = 16
        guard parallel, Parallel.coreCount > 1, m * n * k >= parallelMinimumWork, max(m, n) >= 2 * block else {
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
            return
        }
        let splitColumns = n >= m
        let length = splitColumns ? n : m
        Parallel.forRanges(count: (length + block - 1) / block, minimumPerChunk: 1) { blocks in
            let start = blocks.lowerBound * block
            let count = min(length, blocks.upperBound * block) - start
            if splitColumns {
                gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: count, k: k, alpha: alpha, a: a, lda: lda,
                    b: b + (transposeB ? start * ldb : start), ldb: ldb, beta: beta, c: c + start, ldc: ldc,
                    parallel: false)
            } else {
                gemm(
                    transposeA: transposeA, transposeB: transposeB, m: count, n: n, k: k, alpha: alpha,
                    a: a + (transposeA ? start : start * lda), lda: lda, b: b, ldb: ldb, beta: beta,
                    c: c + start * ldc, ldc: ldc, parallel: false)
            }
        }
    }
}
