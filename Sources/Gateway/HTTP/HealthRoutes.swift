import Hummingbird
import NIOCore

/// `GET /healthz` (the process answers), `GET /readyz` (policy loaded, database writable, at least one
/// provider usable; 503 otherwise) and `GET /metrics` (Prometheus text).
struct HealthRoutes: Sendable {
    let policies: PolicyStore
    let store: JobStore
    let catalog: ProviderCatalog
    let metrics: GatewayMetrics

    struct Health: ResponseEncodable {
        var status: String
        var version: String
    }

    struct Readiness: ResponseEncodable {
        struct Check: Codable {
            var ok: Bool
            var detail: String
        }
        var status: String
        var checks: [String: Check]
        var unusableProviders: [String: String]
        enum CodingKeys: String, CodingKey {
            case status, checks
            case unusableProviders = "unusable_providers"
        }
    }

    func register(on router: Router<GatewayRequestContext>) {
        router.get("healthz") { _, _ in Health(status: "ok", version: gatewayVersion) }
        router.get("readyz", use: ready)
        router.get("metrics") { _, _ in
            metrics.recordCircuits(catalog.snapshot(for: policies.policy.providers).router.circuitStates())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }

    static func policyDetail(_ status: PolicyReloadStatus) -> String {
        let loaded = "version \(status.version) from \(status.files.joined(separator: ", "))"
        guard let failure = status.lastError else { return loaded }
        return loaded + "; the last reload was rejected: \(failure)"
    }

    @Sendable func ready(_ request: Request, context: GatewayRequestContext) async throws -> EditedResponse<Readiness> {
        let policy = policies.policy
        let snapshot = catalog.snapshot(for: policy.providers)
        let writable = await store.probeWritable()
        let usable = snapshot.providers.keys.sorted()
        let checks: [String: Readiness.Check] = [
            "policy": .init(ok: true, detail: Self.policyDetail(policies.status)),
            "database": .init(ok: writable, detail: writable ? "writable" : "the database refused a write"),
            "providers": .init(
                ok: !usable.isEmpty,
                detail: usable.isEmpty ? "no provider can be used" : "usable: \(usable.joined(separator: ", "))"),
        ]
        let ready = checks.values.allSatisfy(\.ok)
        return EditedResponse(
            status: ready ? .ok : .serviceUnavailable,
            response: Readiness(
                status: ready ? "ready" : "not_ready", checks: checks, unusableProviders: snapshot.unusable))
    }
}
