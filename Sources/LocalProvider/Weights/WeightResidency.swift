/// Where a loaded model keeps its weights between forward calls.
public enum WeightResidency: String, Sendable, CaseIterable {
    /// Every weight but the token embedding table converted to float32 once, at load: the fastest forward calls,
    /// the most memory (SD 1.x: about 4 GB of float32 arrays).
    case resident
    /// The UNet's and the VAE's weights stay in the memory-mapped files (float16 files stay half the size); each
    /// block's weights are converted to float32 just before it runs and released right after (convolution kernels
    /// when the convolution reads them: Winograd's transform converts them piece by piece). Shapes are still
    /// checked at load. The text encoder's layers (SD 1.x: 85 M weights, 0.34 GB in float32) are converted once at
    /// load all the same: per prompt, converting them took longer than encoding with them. Its token embedding
    /// table stays in the file in both residencies (each prompt reads its own rows).
    case mapped
}
