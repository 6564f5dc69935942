/// One problem found in the policy files: where it is, what is wrong, and how to fix it.
public struct PolicyDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Errors make the whole set invalid; warnings are reported and the set still loads.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    public var code: Code
    public var location: PolicyLocation
    /// What is wrong, in a sentence.
    public var message: String
    /// What to change to fix it.
    public var fix: String

    public init(_ severity: Severity, _ code: Code, at location: PolicyLocation, _ message: String, fix: String) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: error: message (reason). Fix: ...`, one line per diagnostic.
    public var description: String {
        "\(location): \(severity.rawValue): \(message) [\(code.reason)] Fix: \(fix)"
    }
}

extension PolicyDiagnostic {
    /// A stable, machine-readable kind of problem; `reason` is what logs and the admin API show.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unreadableFile = "unreadable_file"
            case noPolicyFiles = "no_policy_files"
            case invalidYAML = "invalid_yaml"
            case unknownKey = "unknown_key"
            case missingKey = "missing_key"
            case wrongType = "wrong_type"
            case negativeNumber = "negative_number"
            case invalidValue = "invalid_value"
            case tooPrecise = "too_precise"
            case unknownProvider = "unknown_provider"
            case unknownTier = "unknown_tier"
            case duplicateName = "duplicate_name"
            case inlineSecret = "inline_secret"
            case unreachableRule = "unreachable_rule"
            case overlappingRule = "overlapping_rule"
            case noDefaultRule = "no_default_rule"
            case noIssuer = "no_issuer"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The stable string for this kind of problem, e.g. `unknown_key`.
        public var reason: String { base.rawValue }
        public var description: String { base.rawValue }

        /// A policy file could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The folder holds no `*.yaml` or `*.yml` file.
        public static let noPolicyFiles = Code(.noPolicyFiles)
        /// The file is not well-formed YAML (often a file saved half-way through an edit).
        public static let invalidYAML = Code(.invalidYAML)
        /// A key the schema does not know, usually a typo.
        public static let unknownKey = Code(.unknownKey)
        /// A required key is absent.
        public static let missingKey = Code(.missingKey)
        /// A value of the wrong YAML type (a list where a number belongs, a quoted number, ...).
        public static let wrongType = Code(.wrongType)
        /// A count or amount below zero.
        public static let negativeNumber = Code(.negativeNumber)
        /// A value of the right type that is still not acceptable (a bad CIDR, an unknown kind, ...).
        public static let invalidValue = Code(.invalidValue)
        /// A USD amount with more than six decimal places (finer than a micro-dollar).
        public static let tooPrecise = Code(.tooPrecise)
        /// A tier's provider chain names a provider no file defines.
        public static let unknownProvider = Code(.unknownProvider)
        /// A rule names a tier no file defines.
        public static let unknownTier = Code(.unknownTier)
        /// Two tiers, providers or issuers share a name (in one file or across files).
        public static let duplicateName = Code(.duplicateName)
        /// A secret written into a policy file instead of named as an environment variable.
        public static let inlineSecret = Code(.inlineSecret)
        /// A rule no identity can ever reach, because an earlier rule matches all it would.
        public static let unreachableRule = Code(.unreachableRule)
        /// A rule that matches the same identities as an earlier one for part of them.
        public static let overlappingRule = Code(.overlappingRule)
        /// No default rule: identities that match no rule get no tier.
        public static let noDefaultRule = Code(.noDefaultRule)
        /// No issuer is configured, so nobody can sign in.
        public static let noIssuer = Code(.noIssuer)
    }
}
