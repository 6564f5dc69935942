import Foundation
import Testing

/// Reads committed reference data from the `Fixtures` folder beside the tests.
enum ReferenceData {
    static func url(_ relativePath: String) throws -> URL {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(relativePath)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return url
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try url(relativePath))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "fixture \(path) is missing; regenerate it with the scripts in scripts/fixtures (see docs/ENGINE.md)"
        }
    }
}

/// The largest absolute difference over the largest reference magnitude.
func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count, "sizes differ: \(actual.count) vs \(expected.count)")
    let scale = max(expected.map(abs).max() ?? 0, 1e-6)
    return zip(actual, expected).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

func floats(_ value: Any?) -> [Float] {
    (value as? [Any])?.compactMap { ($0 as? NSNumber)?.floatValue } ?? []
}
