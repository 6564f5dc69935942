/// A provider entry the gateway cannot build: a bad option or a missing secret, with where it is written.
public struct ProviderSetupError: Error, Sendable, CustomStringConvertible {
    public let provider: String
    public let location: PolicyLocation
    public let message: String

    public init(provider: String, location: PolicyLocation, message: String) {
        self.provider = provider
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): provider '\(provider)': \(message)" }
}
