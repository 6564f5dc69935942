import Providers

/// How a self-hosted worker serves its provider over the banana-style protocol.
public struct WorkerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The key callers must send (`apiKey` in v4 bodies, `X-Banana-API-Key` in the direct style).
    public var apiKey: String
    /// The direct style's route, e.g. `/` or `/generate`.
    public var directRoute: String
    /// Jobs accepted at once (running and waiting); more are answered 423 (busy).
    public var queueCapacity: Int
    /// Jobs run at once on the provider.
    public var concurrency: Int
    /// How long a finished job's result can still be fetched.
    public var resultRetention: Duration
    /// How long one `check` (or a `start` without `startOnly`) waits for the result before answering.
    public var longPollWindow: Duration
    /// Largest request body accepted.
    public var maxBodyBytes: Int
    public var inputs: ModelInputMapping

    public init(
        host: String = "127.0.0.1", port: Int = 8000, apiKey: String, directRoute: String = "/",
        queueCapacity: Int = 4, concurrency: Int = 1, resultRetention: Duration = .seconds(600),
        longPollWindow: Duration = .seconds(20), maxBodyBytes: Int = 64 << 10,
        inputs: ModelInputMapping = .stableDiffusionTemplate
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.directRoute = directRoute
        self.queueCapacity = queueCapacity
        self.concurrency = concurrency
        self.resultRetention = resultRetention
        self.longPollWindow = longPollWindow
        self.maxBodyBytes = maxBodyBytes
        self.inputs = inputs
    }
}
