/// How to reach one banana-style serverless GPU deployment.
public struct BananaConfiguration: Sendable {
    /// Which of banana's two call styles the deployment speaks.
    public enum Style: Sendable, Hashable {
        /// `POST {baseURL}/start/v4/`, then `POST {baseURL}/check/v4/` with long polling until `message` is success.
        case v4(baseURL: String)
        /// `POST {appURL}{route}` with the inputs as the body; retried only on 423 and 503 with one request id.
        case direct(appURL: String, route: String)
    }

    public var style: Style
    /// The API key, resolved by the registry from the environment variable the policy names.
    public var apiKey: String
    /// The model key (v4 body field; `X-Banana-Model-Key` header in the direct style when set).
    public var modelKey: String?
    public var inputs: ModelInputMapping
    /// v4: ask `start` to return at once with a call id instead of waiting for the result.
    public var startOnly: Bool
    /// Limit for each single HTTP call (a long poll included); the router's deadlines bound the whole job.
    public var callTimeout: Duration
    /// Most `check` calls for one job before giving up.
    public var maxChecks: Int
    /// Largest reply accepted, base64 image included.
    public var maxReplyBytes: Int
    /// Largest decoded image accepted.
    public var maxImageBytes: Int
    /// Retries of 423 and 503 answers in the direct style.
    public var retry: RetryBackoff

    public init(
        style: Style, apiKey: String, modelKey: String? = nil, inputs: ModelInputMapping = .stableDiffusionTemplate,
        startOnly: Bool = false, callTimeout: Duration = .seconds(90), maxChecks: Int = 600,
        maxReplyBytes: Int = 32 << 20, maxImageBytes: Int = 16 << 20, retry: RetryBackoff = .init()
    ) {
        self.style = style
        self.apiKey = apiKey
        self.modelKey = modelKey
        self.inputs = inputs
        self.startOnly = startOnly
        self.callTimeout = callTimeout
        self.maxChecks = maxChecks
        self.maxReplyBytes = maxReplyBytes
        self.maxImageBytes = maxImageBytes
        self.retry = retry
    }
}
