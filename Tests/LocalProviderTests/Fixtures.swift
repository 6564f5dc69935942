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

/// A scratch folder under the system temporary directory, removed when the test is done with it.
final class ScratchFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "engine-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` in the folder and returns the file's path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}
