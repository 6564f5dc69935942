/// A dense float32 tensor in row-major order; images are NCHW, token sequences are [batch, tokens, channels].
///
/// A value type over one contiguous `[Float]`: copies are cheap until written (copy-on-write).
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count` equals the product of `shape`.
    public var scalars: [Float]

    /// Wraps `scalars` with `shape`; the counts must agree.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor whose storage is written once by `initializer` (no zero-fill first).
    init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        // Not through `unsafeUninitializedCapacity` when empty: for 0 it writes into the standard library's shared
        // empty-array storage, a race between threads that ThreadSanitizer reports.
        guard count > 0 else {
            self.init(shape: shape, scalars: [])
            return
        }
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(buffer)
            initialized = count
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The same elements seen with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// The largest absolute element (0 for an empty tensor).
    public var maxMagnitude: Float {
        scalars.reduce(0) { max($0, abs($1)) }
    }
}
