import Dispatch
import Foundation

/// Splits loops over elements across the machine's cores when the work is large enough to pay for it.
enum Parallel {
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when each range gets at least
    /// `minimumPerChunk` items.
    static func forRanges(count: Int, minimumPerChunk: Int = 32_768, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(coreCount, max(1, count / max(1, minimumPerChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        // concurrentPerform returns only after every iteration ran, so `body` never outlives this call; the
        // callers write disjoint ranges, which is what makes sharing it across threads sound.
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(call: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                shared.call((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            }
        }
    }

    private struct SharedBody: @unchecked Sendable {
        let call: (Range<Int>) -> Void
    }
}
