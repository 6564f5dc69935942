import Foundation
import LocalProvider
import Testing

/// Values `torch.randn` gives on CPU, recorded with torch 2.15 (see NOTES.md and the scheduler fixtures).
@Suite struct TorchRandomTests {
    func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4) {
        #expect(actual.count >= expected.count)
        for (index, value) in expected.enumerated() {
            #expect(abs(actual[index] - value) <= tolerance, "value \(index): \(actual[index]) vs \(value)")
        }
    }

    @Test func shortDrawUsesDoublePrecisionPairs() {
        var random = TorchRandom(seed: 0)
        expectClose(random.normal(count: 6), [1.5410, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986])
    }

    @Test func shortDrawWithAnotherSeed() {
        var random = TorchRandom(seed: 42)
        expectClose(random.normal(count: 4), [0.3367, 0.1288, 0.2345, 0.2303])
    }

    @Test func longDrawFillsSixteenAtATime() {
        var random = TorchRandom(seed: 0)
        expectClose(random.normal(count: 16), [-1.1258, -1.1524, -0.2506, -0.4339])
    }
}

/// Several draws in a row from one generator, short and long, against the recorded torch values.
@Suite struct TorchRandomSequenceTests {
    @Test func drawsInARowMatchTorch() throws {
        let document = try ReferenceData.json("schedulers/random.json")
        let draws = try #require(document["draws"] as? [[String: Any]])
        for draw in draws {
            let seed = try #require((draw["seed"] as? NSNumber)?.uint64Value)
            let sizes = try #require(draw["sizes"] as? [Int])
            let values = try #require(draw["values"] as? [Any])
            var random = TorchRandom(seed: seed)
            for (size, expected) in zip(sizes, values) {
                let actual = random.normal(count: size)
                #expect(relativeError(actual, floats(expected)) < 1e-6, "seed \(seed), draw of \(size)")
            }
        }
    }
}
