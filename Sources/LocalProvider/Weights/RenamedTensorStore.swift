/// Presents the tensors of `base` under new names (`names` maps each new name to the stored one).
struct RenamedTensorStore: TensorStore {
    let base: any TensorStore
    let names: [String: String]

    func shape(of name: String) -> [Int]? { names[name].flatMap(base.shape(of:)) }

    func tensor(_ name: String) throws -> Tensor {
        try base.tensor(names[name] ?? name)
    }

    func rows(_ name: String, _ indices: [Int]) throws -> Tensor {
        try base.rows(names[name] ?? name, indices)
    }

    func elements(_ name: String) throws -> TensorElements {
        try base.elements(names[name] ?? name)
    }

    func releaseMappedPages() { base.releaseMappedPages() }
}
