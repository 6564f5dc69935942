/// What subscribers of a job (server-sent events, the synchronous endpoint) hear about it.
enum JobEvent: Sendable {
    case queued
    case started
    case progress(step: Int, total: Int)
    /// The job ended (succeeded, failed, cancelled or interrupted); the stream ends after this.
    case finished(Job)
}
