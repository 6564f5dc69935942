/// Why the pipeline refused or stopped a generation.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case cancelled
        case missingTokenizer = "missing_tokenizer"
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The request cannot be served by this model (size, steps, guidance); the caller should change it.
    public static func invalidRequest(_ message: String) -> Self { .init(.invalidRequest, message) }
    /// The generation was cancelled between two steps.
    public static let cancelled = Self(.cancelled, "the generation was cancelled")
    /// The checkpoint has no tokenizer and none was given.
    public static func missingTokenizer(_ message: String) -> Self { .init(.missingTokenizer, message) }

    /// Stable machine-readable code, e.g. `invalid_request`.
    public var reason: String { code.rawValue }
    public var isInvalidRequest: Bool { code == .invalidRequest }
    public var description: String { "\(code.rawValue): \(message)" }
}
