/// Why a checkpoint could not be loaded; `reason` is stable and machine-readable.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case missingFile = "checkpoint_missing_file"
        case invalidConfig = "checkpoint_invalid_config"
        case unsupportedModel = "checkpoint_unsupported_model"
        case missingTensor = "checkpoint_missing_tensor"
        case shapeMismatch = "checkpoint_shape_mismatch"
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

    static func missingFile(_ path: String, _ detail: String) -> Self {
        Self(.missingFile, "\(path): \(detail)")
    }
    static func invalidConfig(_ detail: String) -> Self {
        Self(.invalidConfig, detail)
    }
    static func unsupportedModel(_ detail: String) -> Self {
        Self(.unsupportedModel, "\(detail); only Stable Diffusion 1.x style models are supported")
    }
    static func missingTensor(component: String, key: String, expectedShape: [Int]) -> Self {
        Self(.missingTensor, "\(component): tensor '\(key)' of shape \(expectedShape) is missing from the checkpoint")
    }
    static func shapeMismatch(component: String, key: String, expectedShape: [Int], actual: [Int]) -> Self {
        Self(
            .shapeMismatch,
            "\(component): tensor '\(key)' has shape \(actual), the config implies \(expectedShape); does the config match the weights?"
        )
    }
}
