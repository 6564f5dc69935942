/// The effective policy as the admin API shows it: tiers with limits, rules in order, admins and blocks,
/// network rules, providers (secret variable names only, never values) and sign-in issuers.
struct PolicyView: Codable, Sendable {
    struct Limits: Codable {
        var requestsPerMinute: Int?
        var imagesPerDay: Int?
        var imagesPerMonth: Int?
        var spendPerDayUSD: String?
        var spendPerMonthUSD: String?
        var concurrentJobs: Int?
        var maxSteps: Int?
        var maxWidth: Int?
        var maxHeight: Int?
        var maxPromptLength: Int?
        var allowedSchedulers: [String]?
        enum CodingKeys: String, CodingKey {
            case requestsPerMinute = "requests_per_minute"
            case imagesPerDay = "images_per_day"
            case imagesPerMonth = "images_per_month"
            case spendPerDayUSD = "spend_per_day_usd"
            case spendPerMonthUSD = "spend_per_month_usd"
            case concurrentJobs = "concurrent_jobs"
            case maxSteps = "max_steps"
            case maxWidth = "max_width"
            case maxHeight = "max_height"
            case maxPromptLength = "max_prompt_length"
            case allowedSchedulers = "allowed_schedulers"
        }

        init(_ limits: QuotaLimits) {
            requestsPerMinute = limits.requestsPerMinute
            imagesPerDay = limits.imagesPerDay
            imagesPerMonth = limits.imagesPerMonth
            spendPerDayUSD = limits.spendPerDayMicros.map(MicroDollars.format)
            spendPerMonthUSD = limits.spendPerMonthMicros.map(MicroDollars.format)
            concurrentJobs = limits.maxConcurrentJobs
            maxSteps = limits.maxSteps
            maxWidth = limits.maxWidth
            maxHeight = limits.maxHeight
            maxPromptLength = limits.maxPromptLength
            allowedSchedulers = limits.allowedSchedulers?.sorted()
        }
    }
    struct Tier: Codable {
        var name: String
        var description: String?
        var providers: [String]
        var limits: Limits
        var location: String
    }
    struct Provider: Codable {
        var name: String
        var kind: String
        var endpoint: String?
        var pricePerSecondUSD: String
        var startDeadlineSeconds: Int?
        var totalDeadlineSeconds: Int?
        var secretVariables: [String: String]
        var location: String
        enum CodingKeys: String, CodingKey {
            case name, kind, endpoint, location
            case pricePerSecondUSD = "price_per_second_usd"
            case startDeadlineSeconds = "start_deadline_seconds"
            case totalDeadlineSeconds = "total_deadline_seconds"
            case secretVariables = "secret_variables"
        }
    }
    struct People: Codable {
        var emails: [String]
        var subjects: [String]
    }
    struct Network: Codable {
        var allow: [String]
        var deny: [String]
        var trustedProxies: [String]
        var unauthenticatedRequestsPerMinute: Int?
        var failedAuthPerMinute: Int?
        var embedOrigins: [String]
        enum CodingKeys: String, CodingKey {
            case allow, deny
            case embedOrigins = "embed_origins"
            case trustedProxies = "trusted_proxies"
            case unauthenticatedRequestsPerMinute = "unauthenticated_requests_per_minute"
            case failedAuthPerMinute = "failed_auth_per_minute"
        }
    }
    struct Issuer: Codable {
        var name: String
        var issuers: [String]
        var jwksURL: String
        var clientIDs: [String]
        enum CodingKeys: String, CodingKey {
            case name, issuers
            case jwksURL = "jwks_url"
            case clientIDs = "client_ids"
        }
    }

    var files: [String]
    var tiers: [Tier]
    var rules: [String]
    var admins: People
    var blocks: People
    var network: Network
    var providers: [Provider]
    var issuers: [Issuer]
    var warnings: [String]

    init(_ policy: Policy) {
        files = policy.files
        tiers = policy.tiers.map {
            Tier(
                name: $0.name, description: $0.summary, providers: $0.providerChain, limits: Limits($0.limits),
                location: "\($0.location)")
        }
        rules = policy.rules.map { "\($0)" }
        admins = People(emails: policy.admins.emails.keys.sorted(), subjects: policy.admins.subjects.keys.sorted())
        blocks = People(emails: policy.blocks.emails.keys.sorted(), subjects: policy.blocks.subjects.keys.sorted())
        network = Network(
            allow: policy.network.allow.map { "\($0)" }, deny: policy.network.deny.map { "\($0)" },
            trustedProxies: policy.network.trustedProxies.map { "\($0)" },
            unauthenticatedRequestsPerMinute: policy.network.unauthenticatedRequestsPerMinute,
            failedAuthPerMinute: policy.network.failedAuthPerMinute,
            embedOrigins: policy.network.embedOrigins.map(\.description))
        providers = policy.providers.map {
            Provider(
                name: $0.name, kind: $0.kind.rawValue, endpoint: $0.endpoint,
                pricePerSecondUSD: MicroDollars.format($0.pricePerSecondMicros),
                startDeadlineSeconds: $0.startDeadlineSeconds, totalDeadlineSeconds: $0.totalDeadlineSeconds,
                secretVariables: $0.secretEnvironment, location: "\($0.location)")
        }
        var issuers = policy.auth.issuers.map {
            Issuer(name: $0.name, issuers: $0.issuers, jwksURL: $0.jwksURL, clientIDs: $0.clientIDs)
        }
        if let google = policy.auth.google {
            issuers.insert(
                Issuer(
                    name: "google", issuers: ["https://accounts.google.com"],
                    jwksURL: "https://www.googleapis.com/oauth2/v3/certs",
                    clientIDs: google.clientIDs), at: 0)
        }
        self.issuers = issuers
        warnings = policy.warnings.map { "\($0)" }
    }
}
