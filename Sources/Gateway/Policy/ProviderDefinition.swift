/// One entry of `providers:`: a backend jobs can be routed to, how much it costs and where its secrets are.
public struct ProviderDefinition: Sendable, Hashable {
    public var name: String
    public var kind: ProviderKind
    /// Base URL of a remote provider (`endpoint:` or its alias `url:`); `nil` for in-process kinds.
    public var endpoint: String?
    /// What one second of the provider's GPU time costs, in micro-dollars (from `price_per_second_usd`).
    public var pricePerSecondMicros: Int64
    /// How long a job may wait for the provider to start working (a cold start) before failing over.
    public var startDeadlineSeconds: Int?
    /// How long a job may take in all before it is abandoned.
    public var totalDeadlineSeconds: Int?
    /// What the provider may cost in a UTC month, in micro-dollars (`budget_per_month_usd`); once its recorded
    /// attempts reach it, jobs skip it (`budget_exhausted`) and fail over. nil: no budget.
    public var monthlyBudgetMicros: Int64?
    /// Environment variable names for secrets, keyed by the secret's name without `_env`
    /// (`api_key_env: BANANA_API_KEY` is stored as `"api_key": "BANANA_API_KEY"`).
    public var secretEnvironment: [String: String]
    /// Kind-specific settings, interpreted by the provider's adapter.
    public var options: [String: ProviderOption]
    /// Where the provider is defined.
    public var location: PolicyLocation

    public init(
        name: String, kind: ProviderKind, endpoint: String? = nil, pricePerSecondMicros: Int64 = 0,
        startDeadlineSeconds: Int? = nil, totalDeadlineSeconds: Int? = nil, monthlyBudgetMicros: Int64? = nil,
        secretEnvironment: [String: String] = [:],
        options: [String: ProviderOption] = [:], location: PolicyLocation
    ) {
        self.name = name
        self.kind = kind
        self.endpoint = endpoint
        self.pricePerSecondMicros = pricePerSecondMicros
        self.startDeadlineSeconds = startDeadlineSeconds
        self.totalDeadlineSeconds = totalDeadlineSeconds
        self.monthlyBudgetMicros = monthlyBudgetMicros
        self.secretEnvironment = secretEnvironment
        self.options = options
        self.location = location
    }
}
