import LocalProvider
import Providers

/// BENCHMARK DOUBLE: a provider that answers at once with a small PNG, so the benchmark measures the gateway's
/// own work (auth, policy, quota, jobs, routing, settling), not image generation. The FastAPI baseline in
/// `bench/` does the same.
struct InstantProvider: ImageProvider {
    let name: String
    let capabilities = ProviderCapabilities(maxWidth: 2048, maxHeight: 2048, maxSteps: 500, schedulers: [])
    let image: [UInt8]

    init(name: String) throws {
        self.name = name
        image = try PNGEncoder.encode(rgb: [UInt8](repeating: 128, count: 8 * 8 * 3), width: 8, height: 8)
    }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        progress(.started)
        for step in 1...request.steps { progress(.step(step, of: request.steps)) }
        return GeneratedImage(data: image, seed: request.seed, executionSeconds: 0.001)
    }
}
