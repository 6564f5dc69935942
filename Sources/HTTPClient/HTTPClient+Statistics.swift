extension HTTPClient {
    /// Counters since the client started, e.g. to see how well connections are reused.
    public struct Statistics: Sendable, Hashable {
        /// Requests that ran to an end in libcurl, with a response or a transport error (not cancelled ones).
        public var transfersFinished: Int
        /// New connections those requests opened; fewer than `transfersFinished` means connections were reused.
        public var connectionsOpened: Int
    }

    /// The client's counters as they stand now.
    public var statistics: Statistics {
        Statistics(
            transfersFinished: worker.transfersFinished.load(ordering: .relaxed),
            connectionsOpened: worker.connectionsOpened.load(ordering: .relaxed))
    }
}
