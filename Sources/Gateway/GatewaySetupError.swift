/// Why the gateway refused to start; the message says what to change.
public struct GatewaySetupError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case devSignInNotLoopback = "dev_sign_in_not_loopback"
        case dataDirectory = "data_directory"
        case devKey = "dev_key"
        case webAssets = "web_assets"
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `--dev` with a non-loopback `--host`.
    public static func devSignInNotLoopback(host: String) -> Self {
        .init(
            .devSignInNotLoopback,
            "dev sign-in mints tokens for anyone, so it runs only on a loopback address; "
                + "use --host 127.0.0.1 (or ::1) with --dev, or drop --dev to listen on \(host)")
    }

    /// The data folder cannot be created.
    public static func dataDirectory(_ path: String, _ detail: String) -> Self {
        .init(.dataDirectory, "cannot create the data folder \(path): \(detail); pass a writable folder with --data")
    }

    /// The dev signing key could not be made.
    public static func devKey(_ detail: String) -> Self {
        .init(.devKey, "cannot create the dev signing key: \(detail)")
    }

    /// The web front's files are missing from the binary's resources.
    public static func webAssets(_ detail: String) -> Self {
        .init(
            .webAssets,
            "cannot read the web front's files: \(detail); keep the diffusion-gateway_Gateway.resources folder "
                + "next to the binary")
    }

    /// Stable machine-readable code.
    public var reason: String { code.rawValue }

    public var description: String { message }
}
