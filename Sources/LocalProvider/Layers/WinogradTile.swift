/// A Winograd minimal-filtering algorithm F(m x m, 3 x 3) (Lavin and Gray, 2015), its transforms written out.
///
/// A 3x3 correlation over an `alpha x alpha` input tile (`alpha = m + 2`) becomes `alpha^2` products in the
/// transformed domain: `Y = A^T [(G g G^T) * (B^T d B)] A`, which needs `alpha^2 / m^2` of the direct method's
/// multiplications per output pixel (F(2x2): 16 for 36, F(4x4): 36 for 144). Each 2D transform is its 1D transform
/// applied down the columns, then along the rows; the 1D transforms below are the matrices' rows with their common
/// terms shared (the generic matrix product, with its zero tests, took 3-4 times as long).
struct WinogradTile: Sendable, Equatable {
    typealias Vector = VectorKernels.Vector

    /// Output pixels per tile side: 2 or 4.
    let outputSize: Int

    /// Input pixels per tile side.
    var inputSize: Int { outputSize + 2 }

    /// F(2x2, 3x3): exact up to rounding, with interpolation points 0, 1, -1.
    static let f2 = WinogradTile(outputSize: 2)
    /// F(4x4, 3x3) with interpolation points 0, 1, -1, 2, -2: four times fewer multiplications, a little more
    /// rounding error (about 1e-6 relative in float32 at SD's channel counts).
    static let f4 = WinogradTile(outputSize: 4)

    private init(outputSize: Int) { self.outputSize = outputSize }

    /// `B^T d`: the `alpha` vectors `d[0], d[stride], ...` to `r[0], r[stride], ...`.
    @inline(__always)
    func inputLine(_ d: UnsafePointer<Vector>, _ stride: Int, _ r: UnsafeMutablePointer<Vector>) {
        let (d0, d1, d2, d3) = (d[0], d[stride], d[2 * stride], d[3 * stride])
        if outputSize == 2 {
            r[0] = d0 - d2
            r[stride] = d1 + d2
            r[2 * stride] = d2 - d1
            r[3 * stride] = d1 - d3
        } else {
            let (d4, d5) = (d[4 * stride], d[5 * stride])
            let (sum43, sum12, difference42) = (d4 + d3, d1 + d2, d4 - d2)
            r[0] = 4 * d0 - 5 * d2 + d4
            r[stride] = sum43 - 4 * sum12
            r[2 * stride] = (d4 - d3) + 4 * (d1 - d2)
            r[3 * stride] = difference42 + 2 * (d3 - d1)
            r[4 * stride] = difference42 + 2 * (d1 - d3)
            r[5 * stride] = 4 * d1 - 5 * d3 + d5
        }
    }

    /// `A^T m` (plus `offset`): the `alpha` vectors `m[0], m[stride], ...` to the `outputSize` vectors `y[0],
    /// y[stride], ...`.
    @inline(__always)
    func outputLine(
        _ m: UnsafePointer<Vector>, _ stride: Int, _ y: UnsafeMutablePointer<Vector>, offset: Vector = Vector()
    ) {
        let (m0, m1, m2, m3) = (m[0], m[stride], m[2 * stride], m[3 * stride])
        if outputSize == 2 {
            y[0] = m0 + m1 + m2 + offset
            y[stride] = m1 - m2 - m3 + offset
        } else {
            let (m4, m5) = (m[4 * stride], m[5 * stride])
            let (sum12, difference12, sum34, difference34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
            y[0] = m0 + sum12 + sum34 + offset
            y[stride] = difference12 + 2 * difference34 + offset
            y[2 * stride] = sum12 + 4 * sum34 + offset
            y[3 * stride] = difference12 + 8 * difference34 + m5 + offset
        }
    }

    /// `G g`: the 3 vectors `g[0], g[stride], g[2 * stride]` to the `alpha` vectors `u[0], u[stride], ...`.
    @inline(__always)
    func kernelLine(_ g: UnsafePointer<Vector>, _ stride: Int, _ u: UnsafeMutablePointer<Vector>) {
        let (g0, g1, g2) = (g[0], g[stride], g[2 * stride])
        if outputSize == 2 {
            u[0] = g0
            u[stride] = 0.5 * (g0 + g1 + g2)
            u[2 * stride] = 0.5 * (g0 - g1 + g2)
            u[3 * stride] = g2
        } else {
            let sixth: Float = 1.0 / 6
            let (outer, quarterOuter, halfMiddle) = (g0 + g2, 0.25 * g0 + g2, 0.5 * g1)
            u[0] = 0.25 * g0
            u[stride] = -sixth * (outer + g1)
            u[2 * stride] = -sixth * (outer - g1)
            u[3 * stride] = sixth * (quarterOuter + halfMiddle)
            u[4 * stride] = sixth * (quarterOuter - halfMiddle)
            u[5 * stride] = g2
        }
    }
}
