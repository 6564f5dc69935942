/// Thrown when a set of policy files does not validate; carries every problem found, not just the first.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    /// Every error and warning, in file order.
    public var diagnostics: [PolicyDiagnostic]

    public init(diagnostics: [PolicyDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Only the diagnostics that make the set invalid.
    public var errors: [PolicyDiagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        let errorCount = errors.count
        let header = "policy is invalid: \(errorCount) error\(errorCount == 1 ? "" : "s")"
        return ([header] + diagnostics.map(\.description)).joined(separator: "\n")
    }
}
