/// How long the router waits for one provider on one attempt.
public struct ProviderDeadlines: Sendable, Hashable {
    /// Time until the provider acknowledges the job (`GenerationProgress.started` or any later event);
    /// nil when the provider cannot say (then only `total` applies). A slow cold start fails over here.
    public var start: Duration?
    /// Time for the whole attempt.
    public var total: Duration

    public init(start: Duration? = .seconds(20), total: Duration = .seconds(120)) {
        self.start = start
        self.total = total
    }
}
