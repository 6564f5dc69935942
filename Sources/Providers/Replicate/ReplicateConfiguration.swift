/// How to reach one model on Replicate.
public struct ReplicateConfiguration: Sendable {
    /// Which model runs the prediction.
    public enum Target: Sendable, Hashable {
        /// A model version id: `POST /v1/predictions` with `version`.
        case version(String)
        /// An official model by path (`owner/name`): `POST /v1/models/{owner}/{name}/predictions`.
        case model(String)
    }

    public var baseURL: String
    public var target: Target
    /// Sent as `Authorization: Bearer`, from the environment variable the policy names.
    public var apiToken: String
    public var inputs: ModelInputMapping
    /// `Prefer: wait=N`: Replicate holds the create call up to N seconds (1-60) for the result.
    public var preferWaitSeconds: Int?
    public var pollInterval: Duration
    public var maxPollInterval: Duration
    /// Retries of a status or output `GET` answered 429 or 5xx (creating a prediction is never retried).
    public var maxGetRetries: Int
    public var callTimeout: Duration
    public var maxReplyBytes: Int
    public var maxImageBytes: Int

    public init(
        baseURL: String = "https://api.replicate.com", target: Target, apiToken: String,
        inputs: ModelInputMapping = .stableDiffusionTemplate, preferWaitSeconds: Int? = nil,
        pollInterval: Duration = .milliseconds(500), maxPollInterval: Duration = .seconds(2), maxGetRetries: Int = 3,
        callTimeout: Duration = .seconds(90), maxReplyBytes: Int = 4 << 20, maxImageBytes: Int = 16 << 20
    ) {
        self.baseURL = baseURL
        self.target = target
        self.apiToken = apiToken
        self.inputs = inputs
        self.preferWaitSeconds = preferWaitSeconds
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.maxGetRetries = maxGetRetries
        self.callTimeout = callTimeout
        self.maxReplyBytes = maxReplyBytes
        self.maxImageBytes = maxImageBytes
    }
}
