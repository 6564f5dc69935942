import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import LocalProvider
import Worker

/// `worker`: serves the local engine over the banana-style protocol, so gateways reach this machine with
/// their banana adapter (`kind: banana`, `style: v4` or `direct`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve the local engine over the banana-style protocol (v4 start/check and direct calls).",
        discussion: "Callers must send the key in the environment variable named by --api-key-env.")

    @Option(help: ArgumentHelp("Diffusers folder or single .safetensors file.", valueName: "path"))
    var model: String

    @Option(help: "Diffusers folder with configs, tokenizer and scheduler, for a single-file checkpoint.")
    var configFolder: String?

    @Option(help: "CLIP tokenizer: bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json and merges.txt.")
    var tokenizer: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8000

    @Option(help: "Jobs accepted at once (running and waiting); more are answered 423.")
    var queue = 4

    @Option(help: "Environment variable holding the API key callers must send.")
    var apiKeyEnv = "WORKER_API_KEY"

    @Option(help: "Route of the direct-call style.")
    var route = "/"

    @Option(help: "Seconds the model stays loaded without work.")
    var idleUnloadSeconds = 600

    func run() async throws {
        guard let apiKey = ProcessInfo.processInfo.environment[apiKeyEnv], !apiKey.isEmpty else {
            throw ValidationError("set the API key in the environment variable \(apiKeyEnv) (see --api-key-env)")
        }
        let engine = LocalImageProvider(
            name: "local",
            configuration: .init(
                modelPath: model, configFolder: configFolder, tokenizerPath: tokenizer, queueCapacity: queue,
                idleUnload: .seconds(idleUnloadSeconds)))
        if let reason = engine.unreadyReason() { throw ValidationError(reason) }
        let app = buildWorkerApplication(
            provider: engine,
            configuration: WorkerConfiguration(
                host: host, port: port, apiKey: apiKey, directRoute: route, queueCapacity: queue),
            services: [engine, HeapTrimmer()])
        try await app.runService()
    }
}
