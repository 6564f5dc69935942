/// How a gateway process is set up: where it listens and where its state lives.
public struct GatewayConfiguration: Sendable {
    /// Address to bind; `serve` defaults to loopback so nothing is exposed by accident.
    public var host: String
    public var port: Int
    /// Folder of `*.yaml` policy files.
    public var policyDirectory: String
    /// Folder for the SQLite database and other state.
    public var dataDirectory: String

    public init(
        host: String = "127.0.0.1", port: Int = 8080, policyDirectory: String = "policies",
        dataDirectory: String = "data"
    ) {
        self.host = host
        self.port = port
        self.policyDirectory = policyDirectory
        self.dataDirectory = dataDirectory
    }
}
