import Providers
import Synchronization

/// Test double: a provider whose behaviour each test scripts, counting its calls.
final class ScriptedProvider: ImageProvider {
    let name: String
    let capabilities: ProviderCapabilities
    private let behaviour: @Sendable (GenerationRequest, ProgressHandler) async throws -> GeneratedImage
    private let calls = Atomic<Int>(0)

    init(
        _ name: String,
        capabilities: ProviderCapabilities = .init(maxWidth: 1024, maxHeight: 1024, maxSteps: 50, schedulers: []),
        behaviour: @escaping @Sendable (GenerationRequest, ProgressHandler) async throws -> GeneratedImage
    ) {
        self.name = name
        self.capabilities = capabilities
        self.behaviour = behaviour
    }

    var callCount: Int { calls.load(ordering: .relaxed) }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        calls.add(1, ordering: .relaxed)
        return try await behaviour(request, progress)
    }

    /// Answers at once with a tiny fake image whose first byte names the provider.
    static func succeeding(_ name: String, paidSeconds: Double? = 1.5) -> ScriptedProvider {
        ScriptedProvider(name) { request, progress in
            progress(.started)
            return GeneratedImage(data: Array(name.utf8), seed: request.seed, executionSeconds: paidSeconds)
        }
    }

    static func failing(_ name: String, with error: ProviderError) -> ScriptedProvider {
        ScriptedProvider(name) { _, _ in throw error }
    }

    /// Never answers until cancelled; `acknowledge` says whether it first reports `.started`.
    static func hanging(_ name: String, acknowledge: Bool) -> ScriptedProvider {
        ScriptedProvider(name) { _, progress in
            if acknowledge { progress(.started) }
            try await Task.sleep(for: .seconds(60))
            throw ProviderError.failed("woke up after a minute")
        }
    }
}
