/// How a gateway process is set up: where it listens, where its state lives, and its safety limits.
public struct GatewayConfiguration: Sendable {
    /// Address to bind; `serve` defaults to loopback so nothing is exposed by accident.
    public var host: String
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int
    /// Folder of `*.yaml` policy files.
    public var policyDirectory: String
    /// Folder for the SQLite database and other state.
    public var dataDirectory: String
    /// Turns on the local development issuer (`/dev/login`, `/dev/jwks.json`); loopback addresses only.
    public var devSignIn: Bool
    /// Browser origins (`https://app.example.com`) allowed to call the API through CORS; empty allows none.
    public var corsOrigins: [String]
    /// Largest request body accepted, in bytes; a larger one gets 413.
    public var maxBodyBytes: Int
    /// Largest header block accepted, in bytes (any single field and all fields together).
    public var maxHeaderBytes: Int
    /// Idle keep-alive connections are closed after this long.
    public var idleTimeout: Duration
    /// Jobs running at the same time in this process; more wait in the queue.
    public var jobConcurrency: Int
    /// Jobs (and their images) are deleted this long after they finish.
    public var jobRetention: Duration
    /// How long graceful shutdown lets running jobs finish before recording them as interrupted.
    public var shutdownGracePeriod: Duration
    /// Longest time the synchronous images endpoint waits for its job.
    public var synchronousTimeout: Duration
    /// A name for this gateway instance in the ledger (a restart is told apart by its start time).
    public var instanceID: String
    /// The shared database, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`; nil keeps SQLite in the data folder.
    public var store: String?
    /// On a shared database: how long an instance's holds outlive its last heartbeat before another releases them.
    public var lease: Duration
    /// A job's event stream sends a comment line this often while nothing else happens, so proxies and load
    /// balancers that drop idle connections keep it open through a long cold start.
    public var eventHeartbeat: Duration = .seconds(15)
    /// Accepted jobs that may wait for a free runner in this process; beyond it new jobs get 503 `queue_full`
    /// before anything is reserved, so an overload sheds work instead of growing memory without bound.
    public var jobQueueLimit = 1_000
    /// How often freed heap memory is handed back to the operating system (`HeapTrimmer`); nil never does.
    public var heapTrimInterval: Duration? = HeapTrimmer.defaultInterval

    public init(
        host: String = "127.0.0.1", port: Int = 8080, policyDirectory: String = "policies",
        dataDirectory: String = "data", devSignIn: Bool = false, corsOrigins: [String] = [],
        maxBodyBytes: Int = 64 * 1024, maxHeaderBytes: Int = 16 * 1024, idleTimeout: Duration = .seconds(60),
        jobConcurrency: Int = 4, jobRetention: Duration = .seconds(7 * 24 * 3600),
        shutdownGracePeriod: Duration = .seconds(30), synchronousTimeout: Duration = .seconds(300),
        instanceID: String = "gateway", store: String? = nil, lease: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.policyDirectory = policyDirectory
        self.dataDirectory = dataDirectory
        self.devSignIn = devSignIn
        self.corsOrigins = corsOrigins
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.idleTimeout = idleTimeout
        self.jobConcurrency = jobConcurrency
        self.jobRetention = jobRetention
        self.shutdownGracePeriod = shutdownGracePeriod
        self.synchronousTimeout = synchronousTimeout
        self.instanceID = instanceID
        self.store = store
        self.lease = lease
    }

    /// Whether `host` is a loopback address, the only kind the dev issuer may run on.
    public var isLoopback: Bool {
        guard let address = IPAddress(host) else { return host == "localhost" }
        if address.family == .v4 { return address.bytes[0] == 127 }
        return address.bytes == [UInt8](repeating: 0, count: 15) + [1]
    }
}
