import Foundation
import Locking
import Providers

/// TEST DOUBLE: the image backend behind the scale-out test's worker. Every generation reports `started` and then
/// waits, cancellably, for up to ten minutes, so jobs stay running while the test kills and cancels; it counts
/// the generations it was asked for, by prompt.
final class HangingProvider: ImageProvider {
    let name = "hanging"
    let capabilities = ProviderCapabilities(maxWidth: 1024, maxHeight: 1024, maxSteps: 50, schedulers: [])
    private let calls = LockedState<[String: Int]>([:])

    /// Generations started so far for `prompt`.
    func callCount(prompt: String) -> Int { calls.withLock { $0[prompt, default: 0] } }

    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws -> GeneratedImage {
        calls.withLock { $0[request.prompt, default: 0] += 1 }
        progress(.started)
        try await Task.sleep(for: .seconds(600))
        throw ProviderError.timedOut("the test backend never finishes")
    }
}
