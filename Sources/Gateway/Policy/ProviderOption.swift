/// A value under a provider's free-form `options:` map, kept with its position so the provider adapter can
/// report its own validation errors at the right line.
public struct ProviderOption: Sendable, Hashable {
    /// The value's shape as written.
    public enum Value: Sendable, Hashable {
        case null
        /// A scalar's text as written (`"512"`, `"true"`, `"sd-1.4"`); the adapter interprets it.
        case scalar(String)
        case list([ProviderOption])
        case mapping([String: ProviderOption])
    }

    public var value: Value
    public var location: PolicyLocation

    public init(_ value: Value, location: PolicyLocation) {
        self.value = value
        self.location = location
    }

    /// The scalar text, or `nil` for a list, mapping or null.
    public var scalar: String? {
        if case .scalar(let text) = value { return text }
        return nil
    }
}
