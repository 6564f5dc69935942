/// A source of named tensors: one safetensors file, or a view of one under other names.
protocol TensorStore: Sendable {
    /// The shape of tensor `name`, or nil when the store has no such tensor.
    func shape(of name: String) -> [Int]?
    /// Loads tensor `name` as float32.
    func tensor(_ name: String) throws -> Tensor
    /// Loads rows `indices` of tensor `name` along its first dimension as float32, converting only those rows.
    func rows(_ name: String, _ indices: [Int]) throws -> Tensor
    /// Tensor `name`'s elements, converted to float32 range by range when asked.
    func elements(_ name: String) throws -> TensorElements
    /// Drops the store's memory-mapped pages from the process's resident memory (a hint; reads stay valid).
    func releaseMappedPages()
}

extension SafetensorsFile: TensorStore {
    func shape(of name: String) -> [Int]? { entries[name]?.shape }
}

/// A stored tensor's elements, converted to float32 a range at a time on demand: a layer can read a mapped
/// float16 weight in small pieces instead of converting all of it into a float32 copy first.
///
/// Unchecked `Sendable`: the conversion reads an immutable, read-only mapping (kept alive by the closure) and
/// writes only its target.
struct TensorElements: @unchecked Sendable {
    let shape: [Int]
    /// Writes elements `first..<first + count` (row-major) as float32 to the target.
    let convert: (_ first: Int, _ count: Int, _ target: UnsafeMutablePointer<Float>) -> Void

    /// All of them as one tensor.
    func tensor() -> Tensor {
        Tensor(shape: shape) { buffer in convert(0, buffer.count, buffer.baseAddress!) }
    }
}
