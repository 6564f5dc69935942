/// How to reach a self-hosted AUTOMATIC1111 or Forge web UI started with `--api`.
public struct A1111Configuration: Sendable {
    /// The web UI's base URL, e.g. `http://gpu-box:7860`.
    public var baseURL: String
    /// HTTP basic auth (`--api-auth user:password`), from the environment; nil when the API is open.
    public var username: String?
    public var password: String?
    /// How often `/sdapi/v1/progress` is read while a job runs.
    public var progressInterval: Duration
    /// Limit for the `txt2img` call, which answers only when the image is done.
    public var callTimeout: Duration
    public var maxReplyBytes: Int
    public var maxImageBytes: Int

    public init(
        baseURL: String, username: String? = nil, password: String? = nil,
        progressInterval: Duration = .milliseconds(500), callTimeout: Duration = .seconds(300),
        maxReplyBytes: Int = 32 << 20, maxImageBytes: Int = 16 << 20
    ) {
        self.baseURL = baseURL
        self.username = username
        self.password = password
        self.progressInterval = progressInterval
        self.callTimeout = callTimeout
        self.maxReplyBytes = maxReplyBytes
        self.maxImageBytes = maxImageBytes
    }

    /// Our scheduler names as the web UI's samplers.
    public static let samplers: [String: String] = [
        "pndm": "PLMS", "ddim": "DDIM", "euler": "Euler", "euler_a": "Euler a", "dpmpp_2m": "DPM++ 2M",
        "dpmpp_2m_karras": "DPM++ 2M Karras",
    ]
}
