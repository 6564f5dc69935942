/// Where a job is in its life: queued -> running -> succeeded | failed | cancelled | interrupted.
public enum JobStatus: String, Sendable, Hashable, Codable {
    case queued, running, succeeded, failed, cancelled
    /// The gateway stopped (shutdown or crash) while the job waited or ran; its reservation was refunded.
    case interrupted

    /// Whether the job will not change any more.
    public var isFinished: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled, .interrupted: true
        }
    }
}
