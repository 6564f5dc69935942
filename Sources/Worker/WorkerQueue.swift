import Locking
import Providers
import ServiceLifecycle

/// The worker's bounded job queue: admits at most `capacity` unfinished jobs, runs them on the provider
/// `concurrency` at a time, keeps finished results for the retention period, and makes a repeated job id
/// return the job it already has (request-id idempotency).
public final class WorkerQueue: Service {
    /// What became of a submitted job.
    enum Admission {
        case accepted(WorkerJob)
        case existing(WorkerJob)
        case busy
    }

    private let provider: any ImageProvider
    private let capacity: Int
    private let concurrency: Int
    private let retention: Duration
    private let jobs = LockedState<[String: WorkerJob]>([:])
    private let pending: AsyncStream<WorkerJob>
    private let pendingInput: AsyncStream<WorkerJob>.Continuation

    public init(provider: any ImageProvider, capacity: Int, concurrency: Int, retention: Duration) {
        self.provider = provider
        self.capacity = max(capacity, 1)
        self.concurrency = max(concurrency, 1)
        self.retention = retention
        (pending, pendingInput) = AsyncStream.makeStream(of: WorkerJob.self)
    }

    /// Unfinished jobs (waiting or running), for the status endpoint.
    var unfinishedCount: Int { jobs.withLock { $0.values.count { !$0.state.isFinished } } }

    var capacityLimit: Int { capacity }

    func job(id: String) -> WorkerJob? { jobs.withLock { $0[id] } }

    /// Admits a job unless the queue is full; a known id returns the existing job.
    func submit(id: String, request: GenerationRequest) -> Admission {
        let admission = jobs.withLock { jobs -> Admission in
            let now = ContinuousClock.now
            jobs = jobs.filter { _, job in job.finishedAt.map { now - $0 < retention } ?? true }
            if let existing = jobs[id] { return .existing(existing) }
            guard jobs.values.count(where: { !$0.state.isFinished }) < capacity else { return .busy }
            let job = WorkerJob(id: id, request: request)
            jobs[id] = job
            return .accepted(job)
        }
        if case .accepted(let job) = admission { pendingInput.yield(job) }
        return admission
    }

    /// Runs admitted jobs until graceful shutdown; jobs still waiting then are failed.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await job in self.pending {
                    if running >= self.concurrency {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.execute(job) }
                    running += 1
                }
            }
        }
        pendingInput.finish()
        for job in jobs.withLock({ Array($0.values) }) where !job.state.isFinished {
            job.finish(.failed("worker shut down before the job ran"))
        }
    }

    private func execute(_ job: WorkerJob) async {
        job.markRunning()
        do {
            let image = try await provider.generate(job.request) { _ in }
            job.finish(.succeeded(image))
        } catch {
            job.finish(.failed("\(error)"))
        }
    }
}
