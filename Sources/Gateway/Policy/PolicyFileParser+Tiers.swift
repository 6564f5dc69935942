import LocalProvider
import Yams

extension PolicyFileParser {
    /// The keys of a tier's `limits:` mapping.
    static let limitKeys = [
        "requests_per_minute", "images_per_day", "images_per_month", "spend_per_day_usd", "spend_per_month_usd",
        "concurrent_jobs", "max_steps", "max_width", "max_height", "max_prompt_length", "allowed_schedulers",
    ]

    mutating func parseTiers(_ node: Node) {
        guard let items = reader.sequence(node, what: "`tiers`") else { return }
        for item in items {
            guard
                let entries = reader.mapping(
                    item, what: "a tier", known: ["name", "description", "providers", "limits"],
                    required: ["name", "providers", "limits"])
            else { continue }
            var name: String?
            var summary: String?
            var chain: [String] = []
            var limits: QuotaLimits?
            for (key, _, value) in entries {
                switch key {
                case "name":
                    name = reader.string(value, what: "a tier's `name`")
                    if let name { fragment.tierNames.append(.init(name: name, location: reader.location(of: item))) }
                case "description": summary = reader.string(value, what: "a tier's `description`")
                case "providers": chain = parseChain(value)
                case "limits": limits = parseLimits(value)
                default: break
                }
            }
            guard let name, let limits else { continue }
            fragment.tiers.append(
                PolicyTier(
                    name: name, summary: summary, limits: limits, providerChain: chain,
                    location: reader.location(of: item)))
        }
    }

    private mutating func parseChain(_ node: Node) -> [String] {
        guard let names = reader.strings(node, what: "a tier's `providers`") else { return [] }
        if names.isEmpty {
            reader.error(
                .invalidValue, at: node, "a tier's `providers` list is empty: its jobs could go nowhere",
                fix: "name at least one provider from `providers:`, in failover order")
        }
        for (name, item) in names {
            fragment.providerReferences.append(.init(name: name, location: reader.location(of: item)))
        }
        return names.map(\.0)
    }

    private mutating func parseLimits(_ node: Node) -> QuotaLimits? {
        if reader.isNull(node) { return QuotaLimits() }
        guard let entries = reader.mapping(node, what: "a tier's `limits`", known: Self.limitKeys) else { return nil }
        var limits = QuotaLimits()
        var valid = true
        for (key, _, value) in entries {
            let what = "`\(key)`"
            switch key {
            case "spend_per_day_usd", "spend_per_month_usd":
                guard let micros = reader.usd(value, what: what) else {
                    valid = false
                    continue
                }
                if key == "spend_per_day_usd" {
                    limits.spendPerDayMicros = micros
                } else {
                    limits.spendPerMonthMicros = micros
                }
            case "allowed_schedulers":
                if reader.isNull(value) { continue }
                guard let names = reader.strings(value, what: what) else {
                    valid = false
                    continue
                }
                let known = SchedulerName.allCases.map(\.rawValue)
                for (name, node) in names where !known.contains(name.lowercased()) {
                    reader.error(
                        .invalidValue, at: node, "unknown scheduler `\(name)` in \(what)",
                        fix: "use some of: \(known.joined(separator: ", "))")
                    valid = false
                }
                limits.allowedSchedulers = Set(names.map { $0.0.lowercased() })
            default:
                guard let count = reader.count(value, what: what) else {
                    valid = false
                    continue
                }
                Self.set(key, count, in: &limits)
            }
        }
        return valid ? limits : nil
    }

    private static func set(_ key: String, _ value: Int?, in limits: inout QuotaLimits) {
        switch key {
        case "requests_per_minute": limits.requestsPerMinute = value
        case "images_per_day": limits.imagesPerDay = value
        case "images_per_month": limits.imagesPerMonth = value
        case "concurrent_jobs": limits.maxConcurrentJobs = value
        case "max_steps": limits.maxSteps = value
        case "max_width": limits.maxWidth = value
        case "max_height": limits.maxHeight = value
        case "max_prompt_length": limits.maxPromptLength = value
        default: break
        }
    }
}
