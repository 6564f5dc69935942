/// Loads a model's tensors by name from a store, checking each one's shape against what the config implies.
struct WeightLoader: Sendable {
    let store: any TensorStore
    /// The model component, for error messages ("unet", "vae", "text_encoder").
    let component: String
    /// Prepended to every requested key.
    let prefix: String
    /// Whether the model built from this loader converts its weights at load or on use.
    let residency: WeightResidency
    /// When set, `tensor` only checks the key and shape: see `checkingShapesOnly()`.
    private let checksShapesOnly: Bool

    init(
        store: any TensorStore, component: String, prefix: String = "", residency: WeightResidency = .resident
    ) {
        self.init(
            store: store, component: component, prefix: prefix, residency: residency, checksShapesOnly: false)
    }

    private init(
        store: any TensorStore, component: String, prefix: String, residency: WeightResidency, checksShapesOnly: Bool
    ) {
        self.store = store
        self.component = component
        self.prefix = prefix
        self.residency = residency
        self.checksShapesOnly = checksShapesOnly
    }

    /// Whether the store has `key` (after the prefix).
    func contains(_ key: String) -> Bool { store.shape(of: prefix + key) != nil }

    /// The same store with `extra` appended to the prefix.
    func scoped(_ extra: String) -> WeightLoader {
        WeightLoader(
            store: store, component: component, prefix: prefix + extra, residency: residency,
            checksShapesOnly: checksShapesOnly)
    }

    /// A loader that checks every requested key and shape but reads no weight: its tensors have the stored
    /// shape and storage that is reserved, never written, and must never be computed with. Building a layer
    /// with it validates a checkpoint without converting (or touching) its weights.
    func checkingShapesOnly() -> WeightLoader {
        WeightLoader(store: store, component: component, prefix: prefix, residency: residency, checksShapesOnly: true)
    }

    /// Loads `key` (after the prefix), which must have `shape` or, when given, `alternative`.
    func tensor(_ key: String, shape: [Int], alsoAccepting alternative: [Int]? = nil) throws -> Tensor {
        let stored = try checkedShape(key, shape: shape, alsoAccepting: alternative)
        if checksShapesOnly { return Tensor(shape: stored) { _ in } }
        return try store.tensor(prefix + key)
    }

    /// `key` (after the prefix), which must have `shape`, as elements converted when a layer reads them: for
    /// weights a layer reads in pieces (Winograd's transform reads a convolution's kernels 16 at a time).
    func elements(_ key: String, shape: [Int]) throws -> TensorElements {
        let stored = try checkedShape(key, shape: shape, alsoAccepting: nil)
        if checksShapesOnly {
            return TensorElements(shape: stored) { _, _, _ in
                preconditionFailure("a shape-checking loader's weights are never read")
            }
        }
        return try store.elements(prefix + key)
    }

    /// Loads rows `indices` of `key` (after the prefix), which must have `shape`, converting only those rows:
    /// a lookup in an embedding table without the whole table.
    func rows(_ key: String, shape: [Int], _ indices: [Int]) throws -> Tensor {
        let stored = try checkedShape(key, shape: shape, alsoAccepting: nil)
        if checksShapesOnly { return Tensor(shape: [indices.count] + stored.dropFirst()) { _ in } }
        return try store.rows(prefix + key, indices)
    }

    private func checkedShape(_ key: String, shape: [Int], alsoAccepting alternative: [Int]?) throws -> [Int] {
        let name = prefix + key
        guard let stored = store.shape(of: name) else {
            throw CheckpointError.missingTensor(component: component, key: name, expectedShape: shape)
        }
        guard stored == shape || stored == alternative else {
            throw CheckpointError.shapeMismatch(component: component, key: name, expectedShape: shape, actual: stored)
        }
        return stored
    }

    /// Lets the operating system drop the store's mapped pages from this process's memory (they stay in the
    /// page cache; the next read maps them again).
    func releaseMappedPages() { store.releaseMappedPages() }
}
