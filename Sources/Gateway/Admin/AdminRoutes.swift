import Foundation
import Hummingbird
import NIOCore
import Providers

/// `/admin` (admins from the policy only): usage per user/provider/day, the effective policy and its reload
/// status, a reload, provider states (built or unusable, circuit state), providers' success rate, latency and
/// failovers, a user's recent jobs and a user's effective limits.
struct AdminRoutes: Sendable {
    let policies: PolicyStore
    let ledger: any QuotaLedger
    let store: JobStore
    let catalog: ProviderCatalog
    let statistics: any AdminStatistics
    let now: @Sendable () -> Date
    /// Usage reports asked for while the same one is being read share that read and its encoded body: a month's
    /// report for many users is large, and encoding it once per waiting caller multiplied the memory it took.
    let usageReads = SharedReads<UsageQuery, ByteBuffer>()

    struct ProviderState: Codable {
        var name: String
        var kind: String
        var usable: Bool
        var reason: String?
        var circuit: String?
        var retryAt: String?
        enum CodingKeys: String, CodingKey {
            case name, kind, usable, reason, circuit
            case retryAt = "retry_in_seconds"
        }
    }

    struct ProviderStates: ResponseEncodable { var providers: [ProviderState] }
    struct Usage: Encodable { var usage: UsageReport }
    struct EffectivePolicy: ResponseEncodable {
        var policy: PolicyView
        var reload: PolicyReloadView
    }
    struct Reloaded: ResponseEncodable { var reload: PolicyReloadView }
    struct ProviderStatisticsList: ResponseEncodable {
        var since: Date
        var days: Int
        var providers: [ProviderStatistics]
    }
    struct UserJobs: ResponseEncodable {
        var email: String
        var jobs: [JobResource]
    }

    func register(on group: RouterGroup<GatewayRequestContext>) {
        group.get("usage", use: usage)
        group.get("policy", use: policy)
        group.post("policy/reload", use: reload)
        group.get("providers", use: providers)
        group.get("providers/stats", use: providerStatistics)
        group.get("users/:email/jobs", use: userJobs)
        group.get("users/:email/limits", use: userLimits)
    }

    @Sendable func usage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let month: UTCMonth
        if let text = request.uri.queryParameters.get("month") {
            guard let parsed = UTCMonth(text) else {
                throw GatewayError.invalidParameter("month", "`month` must be `YYYY-MM`", status: .badRequest)
            }
            month = parsed
        } else {
            month = UTCMonth(containing: now())
        }
        let email = request.uri.queryParameters.get("email")?.lowercased()
        let query = UsageQuery(month: month, userEmail: email)
        let (ledger, encoder) = (ledger, context.responseEncoder)
        let body = try await usageReads.value(for: query) {
            ByteBuffer(bytes: try encoder.encode(Usage(usage: try await ledger.usage(query))))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    @Sendable func policy(_ request: Request, context: GatewayRequestContext) async throws -> EffectivePolicy {
        EffectivePolicy(policy: PolicyView(policies.policy), reload: PolicyReloadView(policies.status))
    }

    /// Re-reads the policy folder now; a rejected set is a 422 naming its first error, and the live policy stays.
    @Sendable func reload(_ request: Request, context: GatewayRequestContext) async throws -> Reloaded {
        let before = policies.status
        let status = await policies.reload(trigger: .admin)
        if let failure = status.lastError, status.version == before.version {
            throw GatewayError.policyRejected(
                "the policy files were rejected, the previous policy stays in force: \(failure)")
        }
        return Reloaded(reload: PolicyReloadView(status))
    }

    @Sendable func providers(_ request: Request, context: GatewayRequestContext) async throws -> ProviderStates {
        let snapshot = catalog.snapshot(for: policies.policy.providers)
        let circuits = snapshot.router.circuitStates()
        let instant = ContinuousClock.now
        return ProviderStates(
            providers: snapshot.definitions.map { definition in
                var state = ProviderState(
                    name: definition.name, kind: definition.kind.rawValue,
                    usable: snapshot.providers[definition.name] != nil, reason: snapshot.unusable[definition.name])
                switch circuits[definition.name] {
                case .closed(let failures)?: state.circuit = "closed (\(failures) consecutive failures)"
                case .open(let until)?:
                    state.circuit = "open"
                    state.retryAt = String(max(0, (until - instant).milliseconds / 1000))
                case .halfOpen?: state.circuit = "half_open"
                case nil: break
                }
                return state
            })
    }

    @Sendable func userJobs(_ request: Request, context: GatewayRequestContext) async throws -> UserJobs {
        guard let email = context.parameters.get("email"), (1...320).contains(email.utf8.count) else {
            throw GatewayError.invalidParameter("email", "name the user by email", status: .badRequest)
        }
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 50
        guard (1...500).contains(limit) else {
            throw GatewayError.invalidParameter("limit", "`limit` must be between 1 and 500")
        }
        let jobs = try await store.jobs(email: email, limit: limit)
        return UserJobs(email: email.lowercased(), jobs: jobs.map(JobResource.init))
    }

    /// Attempts per provider over the last `days` (1 to 366, default 30).
    @Sendable func providerStatistics(_ request: Request, context: GatewayRequestContext) async throws
        -> ProviderStatisticsList
    {
        var days = 30
        if let text = request.uri.queryParameters.get("days") {
            guard let value = Int(text), (1...366).contains(value) else {
                throw GatewayError.invalidParameter("days", "`days` must be a whole number from 1 to 366")
            }
            days = value
        }
        let since = now().addingTimeInterval(-Double(days) * 86_400)
        return ProviderStatisticsList(
            since: since, days: days, providers: try await statistics.providerStatistics(since: since))
    }

    /// What the live policy grants an email and what that user has left now.
    @Sendable func userLimits(_ request: Request, context: GatewayRequestContext) async throws -> UserLimitsView {
        guard let raw = context.parameters.get("email"), let email = raw.removingPercentEncoding,
            (3...320).contains(email.utf8.count), email.contains("@")
        else {
            throw GatewayError.invalidParameter("email", "name the user by email address", status: .badRequest)
        }
        let lowered = email.lowercased()
        let user = try await statistics.latestUser(email: lowered)
        let resolution = policies.policy.resolve(
            email: lowered, emailVerified: true, hostedDomain: nil, subject: user?.subject)
        var windows: [QuotaWindowStatus]?
        if let user, let limits = resolution.limits {
            windows = try await ledger.remaining(user: user, limits: limits, now: now())
        }
        return UserLimitsView(email: lowered, user: user, resolution: resolution, windows: windows)
    }
}
