/// How to reach one RunPod serverless endpoint.
public struct RunPodConfiguration: Sendable {
    /// API base, e.g. `https://api.runpod.ai`; calls go to `{baseURL}/v2/{endpointID}/...`.
    public var baseURL: String
    public var endpointID: String
    /// Sent as `Authorization: Bearer`, from the environment variable the policy names.
    public var apiKey: String
    public var inputs: ModelInputMapping
    /// Use `runsync` (RunPod waits up to about 90 s before answering) instead of `run` + polling.
    public var useRunSync: Bool
    /// `policy.executionTimeout`: RunPod stops the job after this long.
    public var executionTimeout: Duration
    /// `policy.ttl`: RunPod drops the job if it has not finished within this long of submission.
    public var timeToLive: Duration
    /// First wait between `status` polls; it doubles up to `maxPollInterval`.
    public var pollInterval: Duration
    public var maxPollInterval: Duration
    /// A `delayTime` at or above this marks the job as a cold start.
    public var coldStartThreshold: Duration
    public var callTimeout: Duration
    public var maxReplyBytes: Int
    public var maxImageBytes: Int

    public init(
        baseURL: String = "https://api.runpod.ai", endpointID: String, apiKey: String,
        inputs: ModelInputMapping = .stableDiffusionTemplate, useRunSync: Bool = false,
        executionTimeout: Duration = .seconds(120), timeToLive: Duration = .seconds(600),
        pollInterval: Duration = .milliseconds(500), maxPollInterval: Duration = .seconds(2),
        coldStartThreshold: Duration = .seconds(5), callTimeout: Duration = .seconds(100),
        maxReplyBytes: Int = 32 << 20, maxImageBytes: Int = 16 << 20
    ) {
        self.baseURL = baseURL
        self.endpointID = endpointID
        self.apiKey = apiKey
        self.inputs = inputs
        self.useRunSync = useRunSync
        self.executionTimeout = executionTimeout
        self.timeToLive = timeToLive
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.coldStartThreshold = coldStartThreshold
        self.callTimeout = callTimeout
        self.maxReplyBytes = maxReplyBytes
        self.maxImageBytes = maxImageBytes
    }
}
