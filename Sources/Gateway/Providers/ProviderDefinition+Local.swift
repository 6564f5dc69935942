import LocalProvider

extension ProviderDefinition {
    /// The local engine's settings from a `kind: local` entry.
    ///
    /// Options: `model` (a diffusers folder or `.safetensors` file, default `models/sd-v1-5`), `config_folder`,
    /// `tokenizer`, `variant` (e.g. `fp16`), `queue` (jobs waiting or running, default 4), `idle_unload_seconds`
    /// (default 600), `max_width`, `max_height`, `max_steps`, `default_scheduler`.
    func localConfiguration() throws -> LocalImageProvider.Configuration {
        let options = ProviderOptionReader(
            definition: self,
            known: [
                "model", "config_folder", "tokenizer", "variant", "queue", "idle_unload_seconds", "max_width",
                "max_height", "max_steps", "default_scheduler",
            ])
        try options.validateKeys()
        var configuration = LocalImageProvider.Configuration(
            modelPath: try options.string("model") ?? "models/sd-v1-5", configFolder: try options.string("config_folder"),
            variant: try options.string("variant"), tokenizerPath: try options.string("tokenizer"))
        configuration.queueCapacity = try options.integer("queue", in: 1...1000) ?? configuration.queueCapacity
        if let seconds = try options.integer("idle_unload_seconds", in: 1...86_400) {
            configuration.idleUnload = .seconds(seconds)
        }
        configuration.maxWidth = try options.integer("max_width", in: 64...4096) ?? configuration.maxWidth
        configuration.maxHeight = try options.integer("max_height", in: 64...4096) ?? configuration.maxHeight
        configuration.maxSteps = try options.integer("max_steps", in: 1...1000) ?? configuration.maxSteps
        if let name = try options.string("default_scheduler") {
            guard let scheduler = SchedulerName(rawValue: name) else {
                throw options.error(
                    options.definition.options["default_scheduler"]!.location,
                    "default_scheduler must be one of \(SchedulerName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.defaultScheduler = scheduler
        }
        return configuration
    }
}
