import Dispatch
import Foundation
import Locking
import Logging
import Providers
import ServiceLifecycle
import Synchronization

/// The built-in engine as an `ImageProvider` (`kind: local`), serverless-style: the model is loaded on
/// first use and unloaded after it has been idle a while; one generation runs at a time on a dedicated
/// thread, with a bounded queue in front (full -> `ProviderError.busy`, which the router fails over on).
///
/// As a `Service`, `run()` unloads the idle model until graceful shutdown.
public final class LocalImageProvider: ImageProvider, Service {
    /// Where the weights are and how the provider behaves.
    public struct Configuration: Sendable {
        /// A diffusers folder or a single `.safetensors` file.
        public var modelPath: String
        /// For a single file: a diffusers folder with the configs, tokenizer and scheduler.
        public var configFolder: String?
        /// Weight variant of a diffusers folder, e.g. `fp16`.
        public var variant: String?
        /// CLIP's merges file (`.gz`) or a `vocab.json` + `merges.txt` folder, when the checkpoint has none.
        public var tokenizerPath: String?
        /// Jobs waiting or running at once; more are refused as busy.
        public var queueCapacity: Int
        /// How long the model stays loaded without work.
        public var idleUnload: Duration
        public var maxWidth: Int
        public var maxHeight: Int
        public var maxSteps: Int
        public var defaultScheduler: SchedulerName

        public init(
            modelPath: String, configFolder: String? = nil, variant: String? = nil, tokenizerPath: String? = nil,
            queueCapacity: Int = 4,
            idleUnload: Duration = .seconds(600), maxWidth: Int = 768, maxHeight: Int = 768, maxSteps: Int = 150,
            defaultScheduler: SchedulerName = .pndm
        ) {
            self.modelPath = modelPath
            self.configFolder = configFolder
            self.variant = variant
            self.tokenizerPath = tokenizerPath
            self.queueCapacity = queueCapacity
            self.idleUnload = idleUnload
            self.maxWidth = maxWidth
            self.maxHeight = maxHeight
            self.maxSteps = maxSteps
            self.defaultScheduler = defaultScheduler
        }
    }

    public let name: String
    public let capabilities: ProviderCapabilities
    private let configuration: Configuration
    private let logger: Logger
    private let engineQueue = DispatchQueue(label: "diffusion-gateway.local-engine")
    private struct State {
        var pipeline: StableDiffusionPipeline?
        var admitted = 0
        var running = false
        var lastUsed = ContinuousClock.now
    }
    private let state = LockedState(State())

    public init(name: String, configuration: Configuration, logger: Logger = Logger(label: "diffusion-gateway.local")) {
        self.name = name
        self.configuration = configuration
        self.logger = logger
        capabilities = ProviderCapabilities(
            maxWidth: configuration.maxWidth, maxHeight: configuration.maxHeight, maxSteps: configuration.maxSteps,
            schedulers: Set(SchedulerName.allCases.map(\.rawValue)))
    }

    /// Why the provider cannot serve now, or nil when it can (the weights are where the policy says).
    public func unreadyReason() -> String? {
        FileManager.default.fileExists(atPath: configuration.modelPath)
            ? nil : "no weights at \(configuration.modelPath) (see the README: running the local engine)"
    }

    /// Whether the model is in memory now.
    public var isLoaded: Bool { state.withLock { $0.pipeline != nil } }

    public func generate(_ request: GenerationRequest, progress: @escaping ProgressHandler) async throws
        -> GeneratedImage
    {
        let job = try Self.engineRequest(for: request, defaultScheduler: configuration.defaultScheduler)
        let capacity = configuration.queueCapacity
        let waiting = try state.withLock { state -> Bool in
            guard state.admitted < capacity else {
                throw ProviderError.busy("the local engine's queue is full (\(capacity) jobs)", retryAfter: .seconds(5))
            }
            state.admitted += 1
            return state.running
        }
        if waiting { progress(.queued) }
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                engineQueue.async {
                    continuation.resume(with: Result { try self.run(job, progress: progress, cancelled: cancelled) })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Runs on the engine queue: one job at a time, loading the model when needed.
    private func run(_ job: TextToImageRequest, progress: ProgressHandler, cancelled: CancellationFlag) throws
        -> GeneratedImage
    {
        let pipeline = state.withLock { state -> StableDiffusionPipeline? in
            state.running = true
            return state.pipeline
        }
        defer {
            state.withLock { state in
                state.admitted -= 1
                state.running = false
                state.lastUsed = .now
            }
        }
        if cancelled.isSet { throw CancellationError() }
        progress(.started)
        let loaded = try pipeline ?? load()
        do {
            let image = try loaded.generate(
                job, progress: { step, total in progress(.step(step, of: total)) }, isCancelled: { cancelled.isSet })
            let png = try PNGEncoder.encode(rgb: image.rgb, width: image.width, height: image.height)
            let seconds = image.timings.textEncoding + image.timings.denoising + image.timings.decoding
            return GeneratedImage(
                data: png, seed: job.seed,
                executionSeconds: Double(seconds.components.seconds)
                    + Double(seconds.components.attoseconds) / 1e18)
        } catch let error as PipelineError where error.reason == "cancelled" {
            throw CancellationError()
        } catch let error as PipelineError where error.isInvalidRequest {
            throw ProviderError.rejected(error.message)
        } catch let error as PipelineError {
            throw ProviderError.failed(error.message)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError.failed("the local engine failed: \(error)")
        }
    }

    private func load() throws -> StableDiffusionPipeline {
        if let reason = unreadyReason() { throw ProviderError.unavailable(reason) }
        let started = ContinuousClock.now
        let pipeline: StableDiffusionPipeline
        do {
            pipeline = try StableDiffusionPipeline.load(
                path: configuration.modelPath, configFolder: configuration.configFolder, variant: configuration.variant,
                tokenizerPath: configuration.tokenizerPath)
        } catch {
            throw ProviderError.unavailable("cannot load the model at \(configuration.modelPath): \(error)")
        }
        state.withLock { $0.pipeline = pipeline }
        logger.info(
            "loaded model",
            metadata: ["path": "\(configuration.modelPath)", "took": "\(ContinuousClock.now - started)"])
        return pipeline
    }

    /// Unloads the model after it has been idle for `idleUnload`, until graceful shutdown.
    public func run() async throws {
        let interval = min(configuration.idleUnload, .seconds(10))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                self.unloadIfIdle(now: .now)
            }
        }
    }

    /// Drops the model when nothing is queued and it has not been used for `idleUnload`.
    @discardableResult
    public func unloadIfIdle(now: ContinuousClock.Instant) -> Bool {
        let unloaded = state.withLock { state -> Bool in
            guard state.pipeline != nil, state.admitted == 0, now - state.lastUsed >= configuration.idleUnload else {
                return false
            }
            state.pipeline = nil
            return true
        }
        if unloaded { logger.info("unloaded idle model", metadata: ["path": "\(configuration.modelPath)"]) }
        return unloaded
    }

    /// The engine's request for a gateway request; an unknown scheduler is the caller's fault.
    static func engineRequest(for request: GenerationRequest, defaultScheduler: SchedulerName) throws
        -> TextToImageRequest
    {
        let scheduler: SchedulerName
        if let name = request.scheduler {
            guard let known = SchedulerName(rawValue: name) else {
                throw ProviderError.rejected(
                    "unknown scheduler '\(name)'; use one of \(SchedulerName.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            scheduler = known
        } else {
            scheduler = defaultScheduler
        }
        return TextToImageRequest(
            prompt: request.prompt, negativePrompt: request.negativePrompt, width: request.width,
            height: request.height, steps: request.steps, guidance: Float(request.guidance), seed: request.seed,
            scheduler: scheduler)
    }
}

/// Set when the caller's task is cancelled; the compute loop reads it between steps.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
