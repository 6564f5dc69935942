/// Something that turns a prompt into an image: a remote serverless GPU API or the local engine.
///
/// Providers are small on purpose: the router handles failover, deadlines and circuit breaking
/// around them, and the ledger handles money.
public protocol ImageProvider: Sendable {
    /// The provider's name as written in the policy (`providers:` key), unique in a gateway.
    var name: String { get }
    /// What requests this provider accepts; the router skips providers that cannot serve a request.
    var capabilities: ProviderCapabilities { get }
    /// Generates one image. Throws `CancellationError` promptly when the task is cancelled.
    func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
}

/// Called with each progress event of a running generation; must return quickly.
public typealias ProgressHandler = @Sendable (GenerationProgress) -> Void

/// A step of a running generation, as far as the provider can tell.
public enum GenerationProgress: Sendable, Equatable {
    /// The provider took the job but it waits its turn (a local queue, a remote queue).
    case queued
    /// The provider's backend acknowledged the job (a remote call id, the local engine started).
    /// The router's start deadline ends here: a cold start slower than that fails over.
    case started
    /// Denoising step `step` of `total` finished.
    case step(Int, of: Int)
}

/// What a caller asks for, already validated against the caller's tier.
public struct GenerationRequest: Sendable, Hashable, Codable {
    public var prompt: String
    public var negativePrompt: String
    public var width: Int
    public var height: Int
    public var steps: Int
    public var guidance: Double
    /// The seed; the gateway picks one when the caller did not, so every job is reproducible.
    public var seed: UInt64
    /// A scheduler name from `SchedulerName`, or nil for the provider's default.
    public var scheduler: String?

    public init(
        prompt: String, negativePrompt: String = "", width: Int = 512, height: Int = 512,
        steps: Int = 20, guidance: Double = 7.5, seed: UInt64, scheduler: String? = nil
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.seed = seed
        self.scheduler = scheduler
    }
}

/// A finished image and what it cost to make.
public struct GeneratedImage: Sendable, Hashable {
    /// The encoded image (PNG or JPEG).
    public var data: [UInt8]
    public var mediaType: String
    public var seed: UInt64
    /// Seconds the provider says it worked (and billed), when it reports them.
    public var executionSeconds: Double?
    /// Whether the provider reported a cold start, when it knows.
    public var coldStart: Bool?

    public init(
        data: [UInt8], mediaType: String = "image/png", seed: UInt64,
        executionSeconds: Double? = nil, coldStart: Bool? = nil
    ) {
        self.data = data
        self.mediaType = mediaType
        self.seed = seed
        self.executionSeconds = executionSeconds
        self.coldStart = coldStart
    }
}

/// The limits a provider can serve within.
public struct ProviderCapabilities: Sendable, Hashable {
    public var maxWidth: Int
    public var maxHeight: Int
    public var maxSteps: Int
    /// Scheduler names it understands; empty means it ignores the scheduler choice.
    public var schedulers: Set<String>

    public init(maxWidth: Int, maxHeight: Int, maxSteps: Int, schedulers: Set<String>) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxSteps = maxSteps
        self.schedulers = schedulers
    }

    /// Whether a request fits these limits.
    public func accepts(_ request: GenerationRequest) -> Bool {
        request.width <= maxWidth && request.height <= maxHeight && request.steps <= maxSteps
            && (schedulers.isEmpty || request.scheduler.map(schedulers.contains) ?? true)
    }
}
