/// The kinds of image provider a policy may name; each kind has one adapter in `Providers`.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable {
    /// A banana.dev-style serverless GPU API.
    case banana
    /// The Swift Stable Diffusion engine inside the gateway process.
    case local
    /// RunPod serverless endpoints.
    case runpod
    /// Replicate predictions.
    case replicate
    /// A self-hosted AUTOMATIC1111 or Forge web UI API.
    case a1111
}
