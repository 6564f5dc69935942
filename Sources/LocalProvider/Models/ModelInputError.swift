/// Why a model refused its inputs (wrong shapes or token ids); `reason` is stable and machine-readable.
public struct ModelInputError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidShape = "model_input_invalid_shape"
        case tokenOutOfRange = "model_input_token_out_of_range"
    }

    private let code: Code
    /// What is wrong with the input.
    public let message: String
    /// A stable code for logs and tests.
    public var reason: String { code.rawValue }
    public var description: String { "\(reason): \(message)" }

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidShape(_ detail: String) -> Self { Self(.invalidShape, detail) }
    static func tokenOutOfRange(_ detail: String) -> Self { Self(.tokenOutOfRange, detail) }
}
