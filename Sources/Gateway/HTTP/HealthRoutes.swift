import Hummingbird
import NIOCore

/// `GET /healthz` (the process answers), `GET /readyz` (policy loaded, database writable, at least one
/// provider usable, at least one token issuer with keys; 503 otherwise) and `GET /metrics` (Prometheus text).
struct HealthRoutes: Sendable {
    let policies: PolicyStore
    let issuers: IssuerDirectory
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

    /// What the `key_sets` check says: how many issuers can verify tokens, and every key set that is missing.
    static func keySetDetail(_ readiness: IssuerDirectory.KeySetReadiness) -> String {
        let missing = readiness.missing.sorted { $0.key < $1.key }.map { "\($0.key) could not be fetched: \($0.value)" }
        let summary: String
        if readiness.usable > 0 {
            summary = "\(readiness.usable) issuer(s) with keys"
        } else if missing.isEmpty {
            summary = "no token issuer is configured; add `auth:` to the policy"
        } else {
            summary = "no issuer can verify tokens"
        }
        return ([summary] + missing).joined(separator: "; ")
    }

    @Sendable func ready(_ request: Request, context: GatewayRequestContext) async throws -> EditedResponse<Readiness> {
        let policy = policies.policy
        let snapshot = catalog.snapshot(for: policy.providers)
        let writable = await store.probeWritable()
        let usable = snapshot.providers.keys.sorted()
        let keySets = await issuers.keySetReadiness(for: policy.auth)
        let checks: [String: Readiness.Check] = [
            "key_sets": .init(ok: keySets.usable > 0, detail: Self.keySetDetail(keySets)),
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
