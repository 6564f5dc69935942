import Hummingbird
import Logging

/// The version `version` prints and `/healthz` reports.
public let gatewayVersion = "0.1.0"

/// Builds the gateway application; shared by `serve` and the tests.
public func buildApplication(
    _ configuration: GatewayConfiguration, logger: Logger = Logger(label: "diffusion-gateway")
) async throws -> some ApplicationProtocol {
    let router = Router()
    router.get("healthz") { _, _ in
        HealthStatus(status: "ok", version: gatewayVersion)
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
        logger: logger
    )
}

/// The body of `GET /healthz`: the process is alive and answering.
struct HealthStatus: ResponseEncodable {
    let status: String
    let version: String
}
