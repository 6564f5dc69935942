/// A source of named tensors: one safetensors file, or a view of one under other names.
protocol TensorStore: Sendable {
    /// The shape of tensor `name`, or nil when the store has no such tensor.
    func shape(of name: String) -> [Int]?
    /// Loads tensor `name` as float32.
    func tensor(_ name: String) throws -> Tensor
    /// Loads rows `indices` of tensor `name` along its first dimension as float32, converting only those rows.
    func rows(_ name: String, _ indices: [Int]) throws -> Tensor
    /// Drops the store's memory-mapped pages from the process's resident memory (a hint; reads stay valid).
    func releaseMappedPages()
}

extension SafetensorsFile: TensorStore {
    func shape(of name: String) -> [Int]? { entries[name]?.shape }
}
