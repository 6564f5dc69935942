import Foundation
import Yams

/// Reads values out of one policy file's YAML nodes, keeping every position and collecting every problem
/// (rather than stopping at the first) so ops see all of them at once.
struct PolicyNodeReader {
    /// The file's name inside the policy folder.
    let file: String
    private(set) var diagnostics: [PolicyDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// The position of a node; the file's start when the parser gave none.
    func location(of node: Node) -> PolicyLocation {
        PolicyLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func report(_ diagnostic: PolicyDiagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func error(_ code: PolicyDiagnostic.Code, at node: Node, _ message: String, fix: String) {
        diagnostics.append(PolicyDiagnostic(.error, code, at: location(of: node), message, fix: fix))
    }

    /// Whether the node is YAML null (`null`, `~`, or nothing after the colon).
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The keys and values of a mapping, reporting a non-mapping, unknown keys and absent required keys.
    ///
    /// - Parameters:
    ///   - what: How the message names the mapping, e.g. "tier `free`".
    ///   - known: Every key the schema allows here.
    ///   - required: Keys that must be present.
    ///   - allowUnknown: Lets keys through unreported (for keys the caller checks itself, like `*_env`).
    mutating func mapping(
        _ node: Node, what: String, known: [String], required: [String] = [],
        allowUnknown: (String) -> Bool = { _ in false }
    ) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(
                .wrongType, at: node, "\(what) must be a mapping of keys to values, not \(describe(node))",
                fix: "write it as `key: value` lines indented under its parent")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                error(.wrongType, at: keyNode, "keys in \(what) must be plain words", fix: "use a key such as `name`")
                continue
            }
            if !known.contains(key.string) && !allowUnknown(key.string) {
                if SecretKeyName.looksSecret(key.string) {
                    reportInlineSecret(key: key.string, at: keyNode)
                    continue
                }
                error(
                    .unknownKey, at: keyNode, "unknown key `\(key.string)` in \(what)",
                    fix: Self.suggestion(for: key.string, among: known))
                continue
            }
            entries.append((key.string, keyNode, value))
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            error(
                .missingKey, at: node, "\(what) has no `\(key)`",
                fix: "add `\(key): ...` (see docs/POLICIES.md)")
        }
        return entries
    }

    /// Reports a secret written into the file where the name of an environment variable belongs.
    mutating func reportInlineSecret(key: String, at node: Node) {
        error(
            .inlineSecret, at: node, "`\(key)` holds a secret inline; policy files must not contain secrets",
            fix: "replace it with `\(key)_env: NAME_OF_VARIABLE` and set that variable in the gateway's environment")
    }

    /// The items of a sequence, reporting anything else.
    mutating func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(
                .wrongType, at: node, "\(what) must be a list, not \(describe(node))",
                fix: "write one `- item` per line, or `[a, b]`")
            return nil
        }
        return Array(sequence)
    }

    /// A non-empty text value.
    mutating func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error(.wrongType, at: node, "\(what) must be text, not \(describe(node))", fix: "write a single value")
            return nil
        }
        guard !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            error(.invalidValue, at: node, "\(what) is empty", fix: "write a value or remove the key")
            return nil
        }
        return scalar.string
    }

    /// A list of non-empty text values.
    mutating func strings(_ node: Node, what: String) -> [(String, Node)]? {
        guard let items = sequence(node, what: what) else { return nil }
        return items.compactMap { item in string(item, what: "each item of \(what)").map { ($0, item) } }
    }

    /// `true` or `false`.
    mutating func bool(_ node: Node, what: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error(
            .wrongType, at: node, "\(what) must be `true` or `false`, not \(describe(node))", fix: "write true or false"
        )
        return nil
    }

    /// A whole number of zero or more, written unquoted. `.none` when invalid (reported); `.some(nil)` for null.
    mutating func count(_ node: Node, what: String, nullable: Bool = true) -> Int?? {
        if isNull(node) {
            if nullable { return .some(nil) }
            error(.wrongType, at: node, "\(what) must be a whole number", fix: "write a number such as 10")
            return nil
        }
        guard case .scalar(let scalar) = node else {
            error(
                .wrongType, at: node, "\(what) must be a whole number, not \(describe(node))",
                fix: "write a number such as 10\(nullable ? ", or null for unlimited" : "")")
            return nil
        }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard scalar.style == .plain, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            let quoted = scalar.style != .plain && Int(scalar.string) != nil
            error(
                .wrongType, at: node, "\(what) must be a whole number, not \(describe(node))",
                fix: quoted ? "remove the quotes around \(scalar.string)" : "write a whole number such as 10")
            return nil
        }
        guard !text.hasPrefix("-") || digits.allSatisfy({ $0 == "0" }) else {
            error(
                .negativeNumber, at: node, "\(what) is negative (\(scalar.string))",
                fix: "write 0 to allow none\(nullable ? ", null for unlimited," : "") or a positive number")
            return nil
        }
        guard let value = Int(digits) else {
            error(.invalidValue, at: node, "\(what) is too large", fix: "write a smaller number")
            return nil
        }
        return .some(value)
    }

    /// An exact USD amount as micro-dollars. `.none` when invalid (reported); `.some(nil)` for null.
    mutating func usd(_ node: Node, what: String, nullable: Bool = true) -> Int64?? {
        if isNull(node) && nullable { return .some(nil) }
        guard case .scalar(let scalar) = node, scalar.style == .plain, !isNull(node) else {
            let quoted = (node.scalar.map { $0.style != .plain } ?? false)
            error(
                .wrongType, at: node, "\(what) must be a USD amount such as 0.50, not \(describe(node))",
                fix: quoted ? "remove the quotes" : "write a decimal number of dollars")
            return nil
        }
        switch MicroDollars.parse(scalar.string) {
        case .success(let micros):
            return .some(micros)
        case .failure(.negative):
            error(
                .negativeNumber, at: node, "\(what) is negative (\(scalar.string))",
                fix: "write 0 to allow no spending\(nullable ? ", null for unlimited," : "") or a positive amount")
        case .failure(.tooPrecise):
            error(
                .tooPrecise, at: node, "\(what) (\(scalar.string)) has more than 6 decimal places",
                fix: "amounts are counted in micro-dollars; round to at most 6 decimal places")
        case .failure(.tooLarge):
            error(.invalidValue, at: node, "\(what) (\(scalar.string)) is too large", fix: "write a smaller amount")
        case .failure(.notADecimal):
            error(
                .wrongType, at: node, "\(what) must be a USD amount such as 0.50, not `\(scalar.string)`",
                fix: "write a plain decimal (no exponent, currency sign or separators)")
        }
        return nil
    }

    /// How a message names a node's type.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull(node) { return "null" }
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
                return "the quoted text \"\(scalar.string)\""
            }
            return "`\(scalar.string)`"
        }
    }

    /// "did you mean `x`?" for the nearest known key, or the list of keys allowed.
    static func suggestion(for key: String, among known: [String]) -> String {
        let scored = known.map { ($0, editDistance(key.lowercased(), $0)) }.min { $0.1 < $1.1 }
        if let (best, distance) = scored, distance <= max(2, best.count / 3) {
            return "did you mean `\(best)`? (allowed here: \(known.joined(separator: ", ")))"
        }
        return "remove it, or use one of: \(known.joined(separator: ", "))"
    }

    private static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let lhs = Array(lhs.utf8)
        let rhs = Array(rhs.utf8)
        var previous = Array(0...rhs.count)
        for (i, left) in lhs.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: rhs.count)
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = current
        }
        return previous[rhs.count]
    }
}
