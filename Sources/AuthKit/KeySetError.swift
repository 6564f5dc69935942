/// Why a key set document or one of its keys was not usable.
public struct KeySetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, for logs.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "key set error: \(message)" }
}
