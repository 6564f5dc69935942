/// Where a loaded model keeps its weights between forward calls.
public enum WeightResidency: String, Sendable, CaseIterable {
    /// Every weight converted to float32 once, at load: the fastest forward calls, the most memory
    /// (SD 1.x: about 4.1 GB of float32 arrays).
    case resident
    /// Weights stay in the memory-mapped files (float16 files stay half the size); each block's weights are
    /// converted to float32 just before it runs and released right after. Shapes are still checked at load.
    case mapped
}
