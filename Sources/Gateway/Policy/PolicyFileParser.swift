import Yams

/// Turns the text of one policy file into a `PolicyFragment`, reporting every problem with its position.
struct PolicyFileParser {
    /// The top-level sections a file may hold; any file may hold any of them.
    static let sections = ["tiers", "users", "admins", "blocks", "providers", "network", "auth"]

    var reader: PolicyNodeReader
    var fragment = PolicyFragment()

    private init(file: String) {
        reader = PolicyNodeReader(file: file)
    }

    /// Parses `text`, the contents of the file named `file`.
    static func parse(file: String, text: String) -> (PolicyFragment, [PolicyDiagnostic]) {
        var parser = PolicyFileParser(file: file)
        parser.parseDocument(text)
        return (parser.fragment, parser.reader.diagnostics)
    }

    private mutating func parseDocument(_ text: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            reader.report(Self.diagnostic(for: error, file: reader.file, text: text))
            return
        }
        guard let root, !reader.isNull(root) else { return }
        guard let entries = reader.mapping(root, what: "the top level of the file", known: Self.sections) else {
            return
        }
        for (key, _, value) in entries {
            switch key {
            case "tiers": parseTiers(value)
            case "users": parseRules(value)
            case "admins": fragment.admins = parseIdentityList(value, what: "`admins`")
            case "blocks": fragment.blocks = parseIdentityList(value, what: "`blocks`")
            case "providers": parseProviders(value)
            case "network": parseNetwork(value)
            case "auth": parseAuth(value)
            default: break
            }
        }
    }

    /// A YAML syntax error as a diagnostic at the position libyaml gave.
    private static func diagnostic(for error: any Error, file: String, text: String) -> PolicyDiagnostic {
        let fix = "fix the YAML syntax here (a file saved half-way through an edit looks like this)"
        func at(_ mark: Mark) -> PolicyLocation { PolicyLocation(file: file, line: mark.line, column: mark.column) }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at \($0.mark))" } ?? problem
            return PolicyDiagnostic(.error, .invalidYAML, at: at(mark), "invalid YAML: \(detail)", fix: fix)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PolicyDiagnostic(
                .error, .duplicateName, at: at(context.mark),
                "a key is written twice in one mapping: \(duplicates.joined(separator: ", "))",
                fix: "keep one of the two entries")
        default:
            return PolicyDiagnostic(
                .error, .invalidYAML, at: PolicyLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)",
                fix: "save the file as UTF-8 text")
        }
    }
}
