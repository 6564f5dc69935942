/// Loads and validates a whole set of policy files. Any error rejects the whole set.
public enum PolicyLoader {
    /// Validates `sources` (in the given order) and builds the policy, or throws every problem found.
    /// Warnings of a valid set are in `Policy.warnings`.
    public static func load(_ sources: [PolicySource]) throws(PolicyLoadError) -> Policy {
        let (policy, diagnostics) = check(sources)
        guard let policy else { throw PolicyLoadError(diagnostics: diagnostics) }
        return policy
    }

    /// Reads every `*.yaml`/`*.yml` file in `directory` (sorted by name) and loads them as one policy.
    public static func load(directory: String) throws(PolicyLoadError) -> Policy {
        try load(PolicyDirectory(path: directory).read())
    }

    /// Validates without throwing: the policy when the set is valid, and every error and warning either way,
    /// ordered by file, line and column.
    public static func check(_ sources: [PolicySource]) -> (policy: Policy?, diagnostics: [PolicyDiagnostic]) {
        var diagnostics: [PolicyDiagnostic] = []
        var fragments: [(file: String, fragment: PolicyFragment)] = []
        for source in sources {
            let (fragment, problems) = PolicyFileParser.parse(file: source.name, text: source.text)
            fragments.append((source.name, fragment))
            diagnostics += problems
        }
        let (assembled, crossFile) = PolicyAssembler.assemble(fragments)
        diagnostics = (diagnostics + crossFile).enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
        guard var policy = assembled, !diagnostics.contains(where: { $0.severity == .error }) else {
            return (nil, diagnostics)
        }
        policy.warnings = diagnostics
        return (policy, diagnostics)
    }

    /// Reads and validates `directory` without throwing, for `policy check`.
    public static func check(directory: String) -> (policy: Policy?, diagnostics: [PolicyDiagnostic]) {
        do {
            return check(try PolicyDirectory(path: directory).read())
        } catch {
            return (nil, error.diagnostics)
        }
    }
}
