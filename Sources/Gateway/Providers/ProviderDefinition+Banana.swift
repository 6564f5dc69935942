import Providers

extension ProviderDefinition {
    /// The banana adapter's settings from a `kind: banana` entry.
    ///
    /// Options: `style` (`v4`, the default, or `direct`), `route` (direct style, default `/`), `start_only`,
    /// `max_checks`, `call_timeout_seconds`, `max_retries` (direct style, for 423/503), `max_image_bytes` and
    /// `inputs` (a map from `prompt`, `negative_prompt`, `width`, `height`, `steps`, `guidance`, `seed`,
    /// `scheduler`, `image_output` to the model's own names). Secrets: `api_key_env` (required) and
    /// `model_key_env`.
    func bananaConfiguration(environment: [String: String]) throws -> BananaConfiguration {
        let options = ProviderOptionReader(
            definition: self,
            known: [
                "style", "route", "start_only", "max_checks", "call_timeout_seconds", "max_retries", "max_image_bytes",
                "inputs",
            ])
        try options.validateKeys()
        guard let endpoint else {
            throw options.error(location, "a banana provider needs `endpoint:` (the API or app base URL)")
        }
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        let style: BananaConfiguration.Style
        switch try options.string("style") ?? "v4" {
        case "v4": style = .v4(baseURL: base)
        case "direct": style = .direct(appURL: base, route: try options.string("route") ?? "/")
        case let other:
            throw options.error(options.definition.options["style"]!.location, "style must be v4 or direct, not '\(other)'")
        }
        var configuration = BananaConfiguration(
            style: style,
            apiKey: try options.secret("api_key", environment: environment, required: true) ?? "",
            modelKey: try options.secret("model_key", environment: environment, required: false),
            inputs: try options.inputMapping())
        configuration.startOnly = try options.flag("start_only") ?? configuration.startOnly
        configuration.maxChecks = try options.integer("max_checks", in: 1...100_000) ?? configuration.maxChecks
        if let seconds = try options.integer("call_timeout_seconds", in: 1...3600) {
            configuration.callTimeout = .seconds(seconds)
        }
        if let retries = try options.integer("max_retries", in: 0...20) { configuration.retry.maxRetries = retries }
        if let bytes = try options.integer("max_image_bytes", in: 1024...(256 << 20)) {
            configuration.maxImageBytes = bytes
            configuration.maxReplyBytes = max(configuration.maxReplyBytes, bytes * 2)
        }
        return configuration
    }
}
