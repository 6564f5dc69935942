import ArgumentParser
import Gateway
import LocalProvider

@main
struct DiffusionGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion-gateway",
        abstract: "An auth-aware gateway for Stable Diffusion on serverless and local providers.",
        subcommands: [
            Serve.self, Generate.self, WorkerCommand.self, PolicyCommand.self, Usage.self, Version.self,
        ]
    )

    /// ArgumentParser's entry point, after the allocator tuning the local engine needs, which binds only threads
    /// that do not exist yet (`AllocatorTuning`).
    static func main() async {
        AllocatorTuning.keepLargeFreedBlocks()
        await main(nil)
    }
}
