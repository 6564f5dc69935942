/// What a job's event stream writes next: one of the job's events, or a heartbeat.
enum EventStreamItem: Sendable {
    case event(JobEvent)
    case heartbeat

    /// Calls `body` with each of `events` and with a heartbeat every `interval`, in order of arrival, until the
    /// events end or `body` returns false. The tasks feeding it end with it.
    static func forEach(
        _ events: AsyncStream<JobEvent>, heartbeat interval: Duration,
        _ body: (EventStreamItem) async throws -> Bool
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (merged, continuation) = AsyncStream.makeStream(of: EventStreamItem.self)
            group.addTask {
                for await event in events { continuation.yield(.event(event)) }
                continuation.finish()
            }
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil {
                    continuation.yield(.heartbeat)
                }
            }
            defer { group.cancelAll() }
            for await item in merged {
                guard try await body(item) else { return }
            }
        }
    }
}
