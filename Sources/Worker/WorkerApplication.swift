import Foundation
import Hummingbird
import Logging
import Providers
import ServiceLifecycle

/// Builds the self-hosted worker: the banana-style protocol (v4 `start`/`check` and the direct style) in front
/// of one `ImageProvider`, so a gateway reaches worker machines with its banana adapter.
///
/// Routes: `POST /start/v4/`, `POST /check/v4/`, `POST {directRoute}`, and the free status endpoints
/// `GET /__status__` and `GET /healthcheck`. `services` run alongside (e.g. the engine's idle unloader).
public func buildWorkerApplication(
    provider: any ImageProvider, configuration: WorkerConfiguration, services: [any Service] = [],
    logger: Logger = Logger(label: "diffusion-gateway.worker")
) -> some ApplicationProtocol {
    let queue = WorkerQueue(
        provider: provider, capacity: configuration.queueCapacity, concurrency: configuration.concurrency,
        retention: configuration.resultRetention)
    let handlers = WorkerHandlers(queue: queue, configuration: configuration)
    let router = Router()
    router.get("__status__") { _, _ in handlers.status() }
    router.get("healthcheck") { _, _ in handlers.status() }
    router.post("start/v4") { request, _ in try await handlers.startV4(request) }
    router.post("check/v4") { request, _ in try await handlers.checkV4(request) }
    router.post(RouterPath(configuration.directRoute)) { request, _ in try await handlers.direct(request) }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
        services: [queue] + services,
        logger: logger)
}
