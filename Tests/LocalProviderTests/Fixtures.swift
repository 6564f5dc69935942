import Foundation

@testable import LocalProvider

/// Paths of the committed fixtures (made by scripts/fixtures/make_fixtures.py) and comparison helpers.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .path

    static func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// The two fixture models: different block counts, head layouts, channel widths and norm groups.
    static let models = ["small", "deeper"]

    /// `max |actual - expected| / max |expected|`.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
        precondition(actual.shape == expected.shape, "shapes \(actual.shape) and \(expected.shape) differ")
        var largestDifference: Float = 0
        for (a, b) in zip(actual.scalars, expected.scalars) { largestDifference = max(largestDifference, abs(a - b)) }
        return largestDifference / max(expected.maxMagnitude, .leastNormalMagnitude)
    }
}
