import Foundation

extension UsageReport {
    /// The report as plain-text tables for a terminal: users and providers for the month, then per day.
    public func renderTable() -> String {
        var sections = [
            table(
                title: "Users, \(month)", header: ["user", "jobs", "images", "GPU s", "spend"],
                rows: users.map(userRow)),
            table(
                title: "Providers, \(month)", header: ["provider", "attempts", "images", "GPU s", "cost"],
                rows: providers.map(providerRow)),
        ]
        if !userDays.isEmpty {
            sections.append(
                table(
                    title: "Users per day", header: ["day", "user", "jobs", "images", "GPU s", "spend"],
                    rows: userDays.map { [$0.day ?? ""] + userRow($0) }))
            sections.append(
                table(
                    title: "Providers per day", header: ["day", "provider", "attempts", "images", "GPU s", "cost"],
                    rows: providerDays.map { [$0.day ?? ""] + providerRow($0) }))
        }
        return sections.joined(separator: "\n")
    }

    /// Micro-dollars as dollars with all six decimals: `$0.002600`.
    static func dollars(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)$\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    private func userRow(_ usage: UserUsage) -> [String] {
        [
            usage.email ?? usage.user.description, String(usage.jobs), String(usage.images),
            String(format: "%.1f", usage.gpuSeconds), Self.dollars(usage.spendMicros),
        ]
    }

    private func providerRow(_ usage: ProviderUsage) -> [String] {
        [
            usage.provider, String(usage.attempts), String(usage.images), String(format: "%.1f", usage.gpuSeconds),
            Self.dollars(usage.costMicros),
        ]
    }

    /// Left-aligned first columns, right-aligned numbers, widths from the content.
    private func table(title: String, header: [String], rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "\(title): nothing recorded\n" }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let numericFrom = header.firstIndex { ["jobs", "attempts"].contains($0) } ?? header.count
        let lines = all.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column >= numericFrom ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
        }
        return "\(title)\n" + lines.joined(separator: "\n") + "\n"
    }
}
