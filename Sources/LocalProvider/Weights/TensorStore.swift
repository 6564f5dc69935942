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

/// Presents the tensors of `base` under new names (`names` maps each new name to the stored one).
struct RenamedTensorStore: TensorStore {
    let base: any TensorStore
    let names: [String: String]

    func shape(of name: String) -> [Int]? { names[name].flatMap(base.shape(of:)) }

    func tensor(_ name: String) throws -> Tensor {
        try base.tensor(names[name] ?? name)
    }
}
