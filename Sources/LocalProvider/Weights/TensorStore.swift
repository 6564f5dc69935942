/// A source of named tensors: one safetensors file, or a view of one under other names.
protocol TensorStore: Sendable {
    /// The shape of tensor `name`, or nil when the store has no such tensor.
    func shape(of name: String) -> [Int]?
    /// Loads tensor `name` as float32.
    func tensor(_ name: String) throws -> Tensor
}

extension SafetensorsFile: TensorStore {
    func shape(of name: String) -> [Int]? { entries[name]?.shape }
}
