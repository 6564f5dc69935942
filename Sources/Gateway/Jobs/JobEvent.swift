/// What subscribers of a job (server-sent events, the synchronous endpoint) hear about it.
enum JobEvent: Sendable {
    case queued
    case started
    /// The router is about to try this provider (the first one, or the next after a failure).
    case attempting(provider: String)
    /// The provider took the job but has not started it: a cold start or a queue.
    case waiting
    /// A provider failed or was skipped (`reason` is its code, e.g. `timed_out`, `circuit_open`).
    case attemptFailed(provider: String, reason: String)
    case progress(step: Int, total: Int)
    /// The job ended (succeeded, failed, cancelled or interrupted); the stream ends after this.
    case finished(Job)
}
