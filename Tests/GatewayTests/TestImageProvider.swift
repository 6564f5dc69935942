import Foundation
import LocalProvider
import Providers
import Synchronization

/// TEST DOUBLE: an in-process `ImageProvider` for the gateway's tests. It reports `started` and each step, then
/// returns a solid-colour PNG of the asked size made with the real `PNGEncoder`. Its behaviour is scripted per test.
final class TestImageProvider: ImageProvider {
    enum Behaviour: Sendable {
        /// Makes the image after `steps` steps of `stepDelay` each, billing `paidSeconds` when given.
        case succeed(stepDelay: Duration, paidSeconds: Double?)
        /// Fails like a provider whose backend is down.
        case fail
        /// Starts, then waits (cancellable) until the test cancels the job.
        case hang
    }

    let name: String
    let capabilities = ProviderCapabilities(maxWidth: 1024, maxHeight: 1024, maxSteps: 50, schedulers: [])
    private let behaviour: Behaviour
    private let calls = Atomic<Int>(0)

    init(name: String, behaviour: Behaviour) {
        self.name = name
        self.behaviour = behaviour
    }

    /// Generations started so far.
    var callCount: Int { calls.load(ordering: .relaxed) }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        calls.add(1, ordering: .relaxed)
        progress(.started)
        switch behaviour {
        case .fail:
            throw ProviderError.unavailable("test provider is down")
        case .hang:
            try await Task.sleep(for: .seconds(600))
            throw ProviderError.timedOut("test provider hung")
        case .succeed(let stepDelay, let paidSeconds):
            for step in 1...request.steps {
                try await Task.sleep(for: stepDelay)
                progress(.step(step, of: request.steps))
            }
            let pixel: [UInt8] = [UInt8(truncatingIfNeeded: request.seed), 120, 200]
            let count = request.width * request.height
            let png = try PNGEncoder.encode(
                rgb: Array([[UInt8]](repeating: pixel, count: count).joined()), width: request.width,
                height: request.height)
            return GeneratedImage(data: png, seed: request.seed, executionSeconds: paidSeconds)
        }
    }
}
