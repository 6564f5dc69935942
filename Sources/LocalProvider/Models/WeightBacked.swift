/// One part of a model (a ResNet block, a transformer, a text encoder layer) built from its weights either
/// once at load (`WeightResidency.resident`) or afresh each time it runs (`.mapped`), so that only the part
/// being computed holds float32 weights and the rest stay in the memory-mapped file.
struct WeightBacked<Part: Sendable>: Sendable {
    private enum Storage: Sendable {
        case resident(Part)
        case mapped(WeightLoader, @Sendable (WeightLoader) throws -> Part)
    }

    private let storage: Storage

    /// Builds the part with `build` now (resident), or checks every key and shape `build` asks for now and
    /// builds it on each use (mapped).
    init(_ weights: WeightLoader, _ build: @escaping @Sendable (WeightLoader) throws -> Part) throws {
        switch weights.residency {
        case .resident:
            storage = .resident(try build(weights))
        case .mapped:
            _ = try build(weights.checkingShapesOnly())
            storage = .mapped(weights, build)
        }
    }

    /// The part with its weights in float32: the resident one, or one converted from the file now and
    /// released when the caller lets go of it.
    func load() throws -> Part {
        switch storage {
        case .resident(let part): part
        case .mapped(let weights, let build): try build(weights)
        }
    }
}
