import ArgumentParser
import Gateway

@main
struct DiffusionGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion-gateway",
        abstract: "An auth-aware gateway for Stable Diffusion on serverless and local providers.",
        subcommands: [Serve.self, Version.self, PolicyCommand.self, Usage.self]
    )
}
