extension PolicyResolution {
    /// Lines that say which rule applied and what it grants, for `policy explain`.
    public var explanation: [String] {
        var lines: [String] = []
        if let blockedBy {
            lines.append("blocked by the entry at \(blockedBy): every request is refused")
            return lines
        }
        if isAdmin { lines.append("admin: yes") }
        guard let tier, let matchedRule else {
            lines.append("no rule matches: no tier, every job is refused")
            return lines
        }
        lines.append("rule: \(matchedRule)")
        if let note = matchedRule.note { lines.append("note: \(note)") }
        lines.append("tier: \(tier.name) (defined at \(tier.location))")
        lines.append("providers: \(tier.providerChain.joined(separator: " -> "))")
        let limits = tier.limits
        func show(_ value: Int?) -> String { value.map(String.init) ?? "unlimited" }
        func usd(_ value: Int64?) -> String { value.map { "$" + MicroDollars.format($0) } ?? "unlimited" }
        lines.append("requests per minute: \(show(limits.requestsPerMinute))")
        lines.append("images per day: \(show(limits.imagesPerDay)), per month: \(show(limits.imagesPerMonth))")
        lines.append("spend per day: \(usd(limits.spendPerDayMicros)), per month: \(usd(limits.spendPerMonthMicros))")
        lines.append("concurrent jobs: \(show(limits.maxConcurrentJobs)), max steps: \(show(limits.maxSteps))")
        lines.append(
            "max size: \(show(limits.maxWidth)) x \(show(limits.maxHeight)), max prompt length: \(show(limits.maxPromptLength))"
        )
        let schedulers = limits.allowedSchedulers.map { $0.sorted().joined(separator: ", ") } ?? "any"
        lines.append("schedulers: \(schedulers.isEmpty ? "none" : schedulers)")
        return lines
    }
}
