/// A job handed to the runner: the stored job and the provider chain its tier allowed when it was accepted.
struct QueuedJob: Sendable {
    var job: Job
    var chain: [String]
}
