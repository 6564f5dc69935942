/// Loads a model's tensors by name from a store, checking each one's shape against what the config implies.
struct WeightLoader: Sendable {
    let store: any TensorStore
    /// The model component, for error messages ("unet", "vae", "text_encoder").
    let component: String
    /// Prepended to every requested key.
    let prefix: String

    init(store: any TensorStore, component: String, prefix: String = "") {
        self.store = store
        self.component = component
        self.prefix = prefix
    }

    /// Whether the store has `key` (after the prefix).
    func contains(_ key: String) -> Bool { store.shape(of: prefix + key) != nil }

    /// The same store with `extra` appended to the prefix.
    func scoped(_ extra: String) -> WeightLoader {
        WeightLoader(store: store, component: component, prefix: prefix + extra)
    }

    /// Loads `key` (after the prefix), which must have `shape` or, when given, `alternative`.
    func tensor(_ key: String, shape: [Int], alsoAccepting alternative: [Int]? = nil) throws -> Tensor {
        let name = prefix + key
        guard let stored = store.shape(of: name) else {
            throw CheckpointError.missingTensor(component: component, key: name, expectedShape: shape)
        }
        guard stored == shape || stored == alternative else {
            throw CheckpointError.shapeMismatch(component: component, key: name, expectedShape: shape, actual: stored)
        }
        return try store.tensor(name)
    }
}
