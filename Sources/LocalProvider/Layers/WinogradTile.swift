/// The transform matrices of a Winograd minimal-filtering algorithm F(m x m, 3 x 3) (Lavin and Gray, 2015).
///
/// A 3x3 correlation over an `alpha x alpha` input tile (`alpha = m + 2`) becomes `alpha^2` products in the
/// transformed domain: `Y = A^T [(G g G^T) * (B^T d B)] A`, which needs `alpha^2 / m^2` of the direct method's
/// multiplications per output pixel (F(2x2): 16 for 36, F(4x4): 36 for 144).
struct WinogradTile: Sendable, Equatable {
    /// Output pixels per tile side.
    let outputSize: Int
    /// `B^T`, `alpha x alpha`, row-major.
    let inputTransform: [Float]
    /// `G`, `alpha x 3`, row-major.
    let kernelTransform: [Float]
    /// `A^T`, `m x alpha`, row-major.
    let outputTransform: [Float]

    /// Input pixels per tile side.
    var inputSize: Int { outputSize + 2 }

    /// F(2x2, 3x3): exact up to rounding, with interpolation points 0, 1, -1.
    static let f2 = WinogradTile(
        outputSize: 2,
        inputTransform: [
            1, 0, -1, 0,
            0, 1, 1, 0,
            0, -1, 1, 0,
            0, 1, 0, -1,
        ],
        kernelTransform: [
            1, 0, 0,
            0.5, 0.5, 0.5,
            0.5, -0.5, 0.5,
            0, 0, 1,
        ],
        outputTransform: [
            1, 1, 1, 0,
            0, 1, -1, -1,
        ])

    /// F(4x4, 3x3) with interpolation points 0, 1, -1, 2, -2: four times fewer multiplications, a little more
    /// rounding error (about 1e-6 relative in float32 at SD's channel counts).
    static let f4 = WinogradTile(
        outputSize: 4,
        inputTransform: [
            4, 0, -5, 0, 1, 0,
            0, -4, -4, 1, 1, 0,
            0, 4, -4, -1, 1, 0,
            0, -2, -1, 2, 1, 0,
            0, 2, -1, -2, 1, 0,
            0, 4, 0, -5, 0, 1,
        ],
        kernelTransform: [
            1.0 / 4, 0, 0,
            -1.0 / 6, -1.0 / 6, -1.0 / 6,
            -1.0 / 6, 1.0 / 6, -1.0 / 6,
            1.0 / 24, 1.0 / 12, 1.0 / 6,
            1.0 / 24, -1.0 / 12, 1.0 / 6,
            0, 0, 1,
        ],
        outputTransform: [
            1, 1, 1, 1, 1, 0,
            0, 1, -1, 2, -2, 0,
            0, 1, 1, 4, 4, 0,
            0, 1, -1, 8, -8, 1,
        ])
}
