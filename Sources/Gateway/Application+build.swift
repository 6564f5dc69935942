import AuthKit
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// The version `version` prints and `/healthz` reports.
public let gatewayVersion = "0.1.0"

/// Builds the gateway application; shared by `serve` and the tests. Loads the policy (refusing an invalid one),
/// opens the database, releases what a dead process left behind, and wires the request's way:
/// request id -> errors -> address rules -> authentication -> identity -> policy -> routes (jobs, quota, router),
/// beside the web front's pages.
public func buildApplication(
    _ configuration: GatewayConfiguration, dependencies: GatewayDependencies = GatewayDependencies(),
    logger: Logger = Logger(label: "diffusion-gateway")
) async throws -> some ApplicationProtocol {
    let now = dependencies.now
    let clock = InjectedWallClock(read: now)
    let metrics = dependencies.metrics
    let policies = try PolicyStore(
        directory: configuration.policyDirectory, now: now, metricsFactory: metrics.factory,
        logger: logger)
    let state = try await GatewayStore.open(configuration, now: now, logger: logger)
    let ledger = state.ledger
    let store = state.jobs

    let released = try await ledger.recoverOrphans(now: now())
    let interrupted = try await store.interruptOrphans(at: now())
    if !released.isEmpty || interrupted > 0 {
        logger.notice(
            "released what a stopped gateway left",
            metadata: ["reservations": "\(released.count)", "jobs_interrupted": "\(interrupted)"])
    }

    var devIssuer: DevIssuer?
    if configuration.devSignIn {
        guard configuration.isLoopback else { throw GatewaySetupError.devSignInNotLoopback(host: configuration.host) }
        let key: DevSigningKey
        do {
            key = try dependencies.devSigningKey ?? DevSigningKey.generate()
        } catch {
            throw GatewaySetupError.devKey("\(error)")
        }
        devIssuer = DevIssuer(key: key, host: configuration.host, port: configuration.port)
        logger.warning("dev sign-in is on: /dev/login mints tokens for any email (loopback only)")
    }
    let issuers = IssuerDirectory(
        devIssuer: devIssuer?.trustedIssuer(clock: clock), remoteSource: dependencies.keySetSource, clock: clock)

    let catalog = ProviderCatalog(registry: ProviderRegistry(overrides: dependencies.providerFactories))
    for (name, reason) in catalog.snapshot(for: policies.policy.providers).unusable.sorted(by: { $0.key < $1.key }) {
        logger.warning("provider unusable", metadata: ["provider": "\(name)", "reason": "\(reason)"])
    }
    let hub = JobEventHub()
    let executor = JobExecutor(
        store: store, ledger: ledger, catalog: catalog, policies: policies, hub: hub, metrics: metrics,
        logger: logger, now: now)
    let runner = JobRunner(
        executor: executor, concurrency: configuration.jobConcurrency, queueLimit: configuration.jobQueueLimit,
        gracePeriod: configuration.shutdownGracePeriod, logger: logger)
    let jobs = JobService(
        store: store, ledger: ledger, runner: runner, executor: executor, catalog: catalog, hub: hub,
        channel: state.channel, metrics: metrics, now: now)
    let janitor = JobJanitor(
        store: store, retention: configuration.jobRetention, interval: dependencies.janitorInterval, now: now,
        logger: logger)

    let router = Router(context: GatewayRequestContext.self)
    if !configuration.corsOrigins.isEmpty {
        router.add(middleware: FrontOriginsMiddleware(origins: configuration.corsOrigins))
    }
    let limiter = AddressRateLimiter()
    router.add(middleware: RequestIDMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: ErrorResponseMiddleware(metrics: metrics))
    router.add(middleware: AddressRulesMiddleware(policies: policies, limiter: limiter, now: now))
    router.add(
        middleware: AuthenticationMiddleware(
            authenticator: BearerAuthenticator(issuers: issuers), policies: policies, limiter: limiter,
            metrics: metrics, now: now))

    HealthRoutes(policies: policies, issuers: issuers, store: store, catalog: catalog, metrics: metrics)
        .register(on: router)

    let api = router.group("v1")
        .add(middleware: RequireIdentityMiddleware())
        .add(middleware: PolicyMiddleware(policies: policies))
    GenerationRoutes(jobs: jobs, hub: hub, heartbeat: configuration.eventHeartbeat).register(on: api)
    ImagesRoutes(jobs: jobs, timeout: configuration.synchronousTimeout).register(on: api)
    MeRoutes(ledger: ledger, now: now).register(on: api)

    let admin = router.group("admin")
        .add(middleware: RequireIdentityMiddleware())
        .add(middleware: RequireAdminMiddleware(policies: policies))
    AdminRoutes(
        policies: policies, ledger: ledger, store: store, catalog: catalog,
        statistics: state.statistics, now: now
    ).register(on: admin)

    WebRoutes(assets: try WebAssets.bundled(), policies: policies, devSignIn: configuration.devSignIn)
        .register(on: router)

    if let devIssuer {
        DevRoutes(issuer: devIssuer, clock: clock).register(on: router.group("dev"))
    }

    let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes,
        maxHeaderFieldCount: 100)
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.seconds * 1e9)),
                httpDecoderConfiguration: decoder)),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "diffusion-gateway"),
        services: [
            DatabaseCloser(store: state, runner: runner) as any Service, runner, janitor,
            ProviderUpkeep(catalog: catalog, policies: policies, interval: .seconds(10)),
            PolicyWatcher(
                store: policies, interval: dependencies.policyWatchInterval,
                signals: dependencies.reloadOnSIGHUP ? [.sighup] : []),
        ] + state.services(runner: runner, hub: hub, now: now, logger: logger)
            + (configuration.heapTrimInterval.map { [HeapTrimmer(interval: $0)] } ?? []),
        logger: logger
    )
}
