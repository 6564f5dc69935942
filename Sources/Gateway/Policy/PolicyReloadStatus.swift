import Foundation

/// How the live policy came to be and how the last reload went; the admin API shows it.
public struct PolicyReloadStatus: Sendable, Hashable {
    /// What started a load.
    public enum Trigger: String, Sendable, Hashable {
        case startup
        case fileChange = "file_change"
        case signal
        case admin
    }

    /// Why the last attempt was rejected.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var failedAt: Date
        public var trigger: Trigger
        /// Every error (and warning) of the rejected set.
        public var diagnostics: [PolicyDiagnostic]

        public init(failedAt: Date, trigger: Trigger, diagnostics: [PolicyDiagnostic]) {
            self.failedAt = failedAt
            self.trigger = trigger
            self.diagnostics = diagnostics
        }

        /// The first error, with its `file:line:column`.
        public var firstError: PolicyDiagnostic? { diagnostics.first { $0.severity == .error } }

        /// `tiers.yaml:4:7: error: ... (and 2 more errors)`.
        public var description: String {
            let errors = diagnostics.filter { $0.severity == .error }
            guard let first = errors.first else { return "policy rejected" }
            return errors.count == 1 ? first.description : "\(first) (and \(errors.count - 1) more errors)"
        }
    }

    /// Counts successful loads: 1 for the policy the gateway started with, one more per swap.
    public var version: Int
    /// When the live policy was swapped in.
    public var loadedAt: Date
    /// What loaded the live policy.
    public var loadedBy: Trigger
    /// The files the live policy came from.
    public var files: [String]
    /// Warnings of the live policy.
    public var warnings: [PolicyDiagnostic]
    /// The last rejected attempt, while no later attempt has succeeded; `nil` when the last attempt succeeded.
    public var lastError: Failure?

    public init(
        version: Int, loadedAt: Date, loadedBy: Trigger, files: [String], warnings: [PolicyDiagnostic] = [],
        lastError: Failure? = nil
    ) {
        self.version = version
        self.loadedAt = loadedAt
        self.loadedBy = loadedBy
        self.files = files
        self.warnings = warnings
        self.lastError = lastError
    }

    /// Whether the last load attempt succeeded.
    public var isHealthy: Bool { lastError == nil }
}
