import Providers

extension ProviderDefinition {
    /// The RunPod adapter's settings from a `kind: runpod` entry.
    ///
    /// `endpoint` defaults to `https://api.runpod.ai`. Options: `endpoint_id` (required), `runsync`,
    /// `execution_timeout_seconds`, `ttl_seconds`, `cold_start_seconds`, `call_timeout_seconds`,
    /// `max_image_bytes`, `inputs`. Secret: `api_key_env` (required).
    func runPodConfiguration(environment: [String: String]) throws -> RunPodConfiguration {
        let options = ProviderOptionReader(
            definition: self,
            known: [
                "endpoint_id", "runsync", "execution_timeout_seconds", "ttl_seconds", "cold_start_seconds",
                "call_timeout_seconds", "max_image_bytes", "inputs",
            ])
        try options.validateKeys()
        guard let endpointID = try options.string("endpoint_id"), !endpointID.isEmpty else {
            throw options.error(location, "a runpod provider needs `options.endpoint_id` (the serverless endpoint's id)")
        }
        var configuration = RunPodConfiguration(
            baseURL: endpoint ?? "https://api.runpod.ai", endpointID: endpointID,
            apiKey: try options.secret("api_key", environment: environment, required: true) ?? "",
            inputs: try options.inputMapping(), useRunSync: try options.flag("runsync") ?? false)
        if let seconds = try options.integer("execution_timeout_seconds", in: 5...86_400) {
            configuration.executionTimeout = .seconds(seconds)
        }
        if let seconds = try options.integer("ttl_seconds", in: 10...604_800) { configuration.timeToLive = .seconds(seconds) }
        if let seconds = try options.integer("cold_start_seconds", in: 0...3600) {
            configuration.coldStartThreshold = .seconds(seconds)
        }
        if let seconds = try options.integer("call_timeout_seconds", in: 1...3600) { configuration.callTimeout = .seconds(seconds) }
        if let bytes = try options.integer("max_image_bytes", in: 1024...(256 << 20)) {
            configuration.maxImageBytes = bytes
            configuration.maxReplyBytes = max(configuration.maxReplyBytes, bytes * 2)
        }
        return configuration
    }

    /// The Replicate adapter's settings from a `kind: replicate` entry.
    ///
    /// `endpoint` defaults to `https://api.replicate.com`. Options: exactly one of `version` (a model version
    /// id) and `model` (`owner/name`), `prefer_wait_seconds` (1-60), `max_get_retries`, `call_timeout_seconds`,
    /// `max_image_bytes`, `inputs`. Secret: `api_token_env` (required).
    func replicateConfiguration(environment: [String: String]) throws -> ReplicateConfiguration {
        let options = ProviderOptionReader(
            definition: self,
            known: ["version", "model", "prefer_wait_seconds", "max_get_retries", "call_timeout_seconds", "max_image_bytes", "inputs"])
        try options.validateKeys()
        let target: ReplicateConfiguration.Target
        switch (try options.string("version"), try options.string("model")) {
        case (let version?, nil): target = .version(version)
        case (nil, let model?) where model.split(separator: "/").count == 2: target = .model(model)
        default:
            throw options.error(location, "set exactly one of `options.version` (a version id) or `options.model` (owner/name)")
        }
        var configuration = ReplicateConfiguration(
            baseURL: endpoint ?? "https://api.replicate.com", target: target,
            apiToken: try options.secret("api_token", environment: environment, required: true) ?? "",
            inputs: try options.inputMapping(), preferWaitSeconds: try options.integer("prefer_wait_seconds", in: 1...60))
        configuration.maxGetRetries = try options.integer("max_get_retries", in: 0...10) ?? configuration.maxGetRetries
        if let seconds = try options.integer("call_timeout_seconds", in: 1...3600) { configuration.callTimeout = .seconds(seconds) }
        if let bytes = try options.integer("max_image_bytes", in: 1024...(256 << 20)) { configuration.maxImageBytes = bytes }
        return configuration
    }

    /// The AUTOMATIC1111 / Forge adapter's settings from a `kind: a1111` entry.
    ///
    /// `endpoint` (the web UI's URL) is required. Options: `progress_interval_ms`, `call_timeout_seconds`,
    /// `max_image_bytes`. Secrets: `username_env` and `password_env`, both or neither (basic auth).
    func a1111Configuration(environment: [String: String]) throws -> A1111Configuration {
        let options = ProviderOptionReader(
            definition: self, known: ["progress_interval_ms", "call_timeout_seconds", "max_image_bytes"])
        try options.validateKeys()
        guard let endpoint else { throw options.error(location, "an a1111 provider needs `endpoint:` (the web UI's URL)") }
        let username = try options.secret("username", environment: environment, required: false)
        let password = try options.secret("password", environment: environment, required: false)
        guard (username == nil) == (password == nil) else {
            throw options.error(location, "set both `username_env` and `password_env` for basic auth, or neither")
        }
        var configuration = A1111Configuration(baseURL: endpoint, username: username, password: password)
        if let milliseconds = try options.integer("progress_interval_ms", in: 50...60_000) {
            configuration.progressInterval = .milliseconds(milliseconds)
        }
        if let seconds = try options.integer("call_timeout_seconds", in: 1...3600) { configuration.callTimeout = .seconds(seconds) }
        if let bytes = try options.integer("max_image_bytes", in: 1024...(256 << 20)) { configuration.maxImageBytes = bytes }
        return configuration
    }
}
