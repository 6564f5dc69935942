/// News about a job from another gateway instance on the same shared database.
enum JobSignal: Sendable, Hashable {
    case started(JobID)
    case progress(JobID, step: Int, total: Int)
    case finished(JobID)
    /// Someone asked to cancel the job through another instance; the one running it stops it.
    case cancelRequested(JobID)
}

extension JobSignal {
    /// The notification text: origin, kind and job id (plus step and total), separated by tabs.
    func payload(origin: String) -> String {
        switch self {
        case .started(let id): [origin, "started", id.rawValue].joined(separator: "\t")
        case .progress(let id, let step, let total):
            [origin, "progress", id.rawValue, String(step), String(total)].joined(separator: "\t")
        case .finished(let id): [origin, "finished", id.rawValue].joined(separator: "\t")
        case .cancelRequested(let id): [origin, "cancel", id.rawValue].joined(separator: "\t")
        }
    }

    /// The origin and signal of a notification's text; nil for text this code did not write.
    static func parse(_ payload: String) -> (origin: String, signal: JobSignal)? {
        let fields = payload.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3 else { return nil }
        let id = JobID(fields[2])
        switch (fields[1], fields.count) {
        case ("started", 3): return (fields[0], .started(id))
        case ("finished", 3): return (fields[0], .finished(id))
        case ("cancel", 3): return (fields[0], .cancelRequested(id))
        case ("progress", 5):
            guard let step = Int(fields[3]), let total = Int(fields[4]) else { return nil }
            return (fields[0], .progress(id, step: step, total: total))
        default: return nil
        }
    }
}

/// Job news between gateway instances sharing one database; an embedded (one-process) store has none.
protocol JobSignalChannel: Sendable {
    /// Asks whichever instance runs the job to cancel it.
    func requestCancel(_ id: JobID) async throws

    /// The signals other instances send, until the store closes.
    var signals: AsyncStream<JobSignal> { get }
}
