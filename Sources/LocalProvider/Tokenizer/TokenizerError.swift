/// Why a tokenizer could not be built from its files; `reason` is stable and machine-readable.
public struct TokenizerError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case unreadable = "tokenizer_unreadable"
        case invalidVocabulary = "tokenizer_invalid_vocabulary"
        case invalidMerges = "tokenizer_invalid_merges"
    }

    private let code: Code
    /// What is wrong and what to do.
    public let message: String
    /// A stable code for logs and tests.
    public var reason: String { code.rawValue }
    public var description: String { "\(reason): \(message)" }

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func unreadable(_ path: String, _ detail: String) -> Self { Self(.unreadable, "\(path): \(detail)") }
    static func invalidVocabulary(_ detail: String) -> Self { Self(.invalidVocabulary, detail) }
    static func invalidMerges(_ detail: String) -> Self { Self(.invalidMerges, detail) }
}
