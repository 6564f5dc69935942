import Foundation
import LocalProvider

/// One timed operation: its inputs are made before timing, `run` is called once to warm up, then `repeats` times.
struct Benchmark {
    let name: String
    let run: () throws -> Tensor

    func measure(repeats: Int) -> (best: Double, median: Double) {
        _ = try? run()
        var times = [Double]()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try? run()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        return (times[0], times[times.count / 2])
    }
}

/// Uniform random tensors from a fixed seed (xorshift), scaled like a layer's default initialisation.
struct RandomTensors {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            scalars[index] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
