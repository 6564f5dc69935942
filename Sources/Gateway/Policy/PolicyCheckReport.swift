/// The outcome of `policy check DIR`: every diagnostic, a summary, and the exit status for CI.
public struct PolicyCheckReport: Sendable {
    public let directory: String
    public let diagnostics: [PolicyDiagnostic]
    /// The policy, when the set is valid.
    public let policy: Policy?

    /// Validates `directory` offline, as the gateway would at start.
    public init(directory: String) {
        self.directory = directory
        (policy, diagnostics) = PolicyLoader.check(directory: directory)
    }

    /// 0 when the set is valid (warnings allowed), 1 when it is not.
    public var exitCode: Int32 { policy == nil ? 1 : 0 }

    /// One line per diagnostic (`file:line:column: severity: ...`), then a summary line.
    public var lines: [String] {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let summary: String
        if let policy {
            summary =
                "\(directory): OK: \(policy.files.count) files, \(policy.tiers.count) tiers, \(policy.rules.count) rules, "
                + "\(policy.providers.count) providers, \(warnings) warning\(warnings == 1 ? "" : "s")"
        } else {
            summary =
                "\(directory): INVALID: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
        }
        return diagnostics.map(\.description) + [summary]
    }
}
