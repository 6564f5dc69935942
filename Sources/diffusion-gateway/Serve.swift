import ArgumentParser
import Gateway
import Hummingbird

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway's HTTP service.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Folder of policy YAML files.")
    var policies = "policies"

    @Option(help: "Folder for the database and other state.")
    var data = "data"

    func run() async throws {
        let configuration = GatewayConfiguration(
            host: host, port: port, policyDirectory: policies, dataDirectory: data)
        let app = try await buildApplication(configuration)
        try await app.runService()
    }
}
