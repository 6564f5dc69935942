@testable import Gateway
import Providers
import Testing

/// Reading `banana` and `local` provider entries into adapter settings.
@Suite struct ProviderSettingsTests {
    static let here = PolicyLocation(file: "providers.yaml", line: 3, column: 5)

    static func option(_ text: String, line: Int = 7) -> ProviderOption {
        ProviderOption(.scalar(text), location: PolicyLocation(file: "providers.yaml", line: line, column: 9))
    }

    static func banana(_ options: [String: ProviderOption] = [:], secrets: [String: String] = ["api_key": "BANANA_KEY"])
        -> ProviderDefinition
    {
        ProviderDefinition(
            name: "banana", kind: .banana, endpoint: "https://api.example.test/", pricePerSecondMicros: 260,
            secretEnvironment: secrets, options: options, location: here)
    }

    @Test func bananaDefaultsToV4WithTheSDTemplate() throws {
        let configuration = try Self.banana().bananaConfiguration(environment: ["BANANA_KEY": "k-1"])
        #expect(configuration.style == .v4(baseURL: "https://api.example.test"))
        #expect(configuration.apiKey == "k-1")
        #expect(configuration.modelKey == nil)
        #expect(configuration.inputs == .stableDiffusionTemplate)
    }

    @Test func bananaDirectStyleWithRenamedInputs() throws {
        let inputs = ProviderOption(
            .mapping(["steps": Self.option("steps"), "image_output": Self.option("png_b64")]), location: Self.here)
        let definition = Self.banana(
            ["style": Self.option("direct"), "route": Self.option("/txt2img"), "inputs": inputs, "max_retries": Self.option("2")],
            secrets: ["api_key": "BANANA_KEY", "model_key": "BANANA_MODEL"])
        let configuration = try definition.bananaConfiguration(environment: ["BANANA_KEY": "k", "BANANA_MODEL": "m"])
        #expect(configuration.style == .direct(appURL: "https://api.example.test", route: "/txt2img"))
        #expect(configuration.modelKey == "m")
        #expect(configuration.inputs.steps == "steps")
        #expect(configuration.inputs.imageOutput == "png_b64")
        #expect(configuration.retry.maxRetries == 2)
    }

    @Test func bananaMistakesNameTheLineAndTheFix() {
        let cases: [(ProviderDefinition, [String: String], String)] = [
            (Self.banana(), [:], "BANANA_KEY"),
            (Self.banana(secrets: [:]), ["BANANA_KEY": "k"], "api_key_env"),
            (Self.banana(["style": Self.option("v5")]), ["BANANA_KEY": "k"], "style must be v4 or direct"),
            (Self.banana(["max_checks": Self.option("-1")]), ["BANANA_KEY": "k"], "max_checks"),
            (Self.banana(["stlye": Self.option("v4", line: 9)]), ["BANANA_KEY": "k"], "unknown option 'stlye'"),
        ]
        for (definition, environment, expected) in cases {
            do {
                _ = try definition.bananaConfiguration(environment: environment)
                Issue.record("expected an error mentioning \(expected)")
            } catch let error as ProviderSetupError {
                #expect(error.description.contains(expected), "\(error)")
                #expect(error.description.hasPrefix("providers.yaml:"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func bananaKeyNeverAppearsInSetupErrors() {
        let definition = Self.banana(["style": Self.option("v9")])
        do {
            _ = try definition.bananaConfiguration(environment: ["BANANA_KEY": "sk-secret-123"])
        } catch {
            #expect(!"\(error)".contains("sk-secret-123"))
        }
    }

    @Test func localOptions() throws {
        let definition = ProviderDefinition(
            name: "local", kind: .local,
            options: [
                "model": Self.option("models/sd-v1-4"), "variant": Self.option("fp16"), "queue": Self.option("2"),
                "default_scheduler": Self.option("euler_a"),
            ], location: Self.here)
        let configuration = try definition.localConfiguration()
        #expect(configuration.modelPath == "models/sd-v1-4")
        #expect(configuration.variant == "fp16")
        #expect(configuration.queueCapacity == 2)
        #expect(configuration.defaultScheduler == .eulerAncestral)
    }

    @Test func localMistakesAreRefused() {
        for options in [["queue": Self.option("0")], ["default_scheduler": Self.option("heun")], ["modle": Self.option("x")]] {
            let definition = ProviderDefinition(name: "local", kind: .local, options: options, location: Self.here)
            #expect(throws: ProviderSetupError.self) { try definition.localConfiguration() }
        }
    }

    static func remote(
        _ kind: ProviderKind, endpoint: String? = nil, _ options: [String: ProviderOption] = [:],
        secrets: [String: String] = [:]
    ) -> ProviderDefinition {
        ProviderDefinition(
            name: kind.rawValue, kind: kind, endpoint: endpoint, secretEnvironment: secrets, options: options,
            location: here)
    }

    @Test func runPodNeedsAnEndpointIDAndAKey() throws {
        let good = Self.remote(.runpod, ["endpoint_id": Self.option("abc123"), "runsync": Self.option("true")], secrets: ["api_key": "RP"])
        let configuration = try good.runPodConfiguration(environment: ["RP": "key"])
        #expect(configuration.baseURL == "https://api.runpod.ai")
        #expect(configuration.endpointID == "abc123")
        #expect(configuration.useRunSync)
        #expect(throws: ProviderSetupError.self) {
            try Self.remote(.runpod, secrets: ["api_key": "RP"]).runPodConfiguration(environment: ["RP": "key"])
        }
        #expect(throws: ProviderSetupError.self) {
            try Self.remote(.runpod, ["endpoint_id": Self.option("abc")]).runPodConfiguration(environment: [:])
        }
    }

    @Test func replicateNeedsExactlyOneTarget() throws {
        let secrets = ["api_token": "REPLICATE_API_TOKEN"]
        let environment = ["REPLICATE_API_TOKEN": "r8"]
        let byModel = try Self.remote(.replicate, ["model": Self.option("stability-ai/sdxl")], secrets: secrets)
            .replicateConfiguration(environment: environment)
        #expect(byModel.target == .model("stability-ai/sdxl"))
        for options in [
            [:], ["version": Self.option("v1"), "model": Self.option("a/b")], ["model": Self.option("no-slash")],
        ] as [[String: ProviderOption]] {
            #expect(throws: ProviderSetupError.self) {
                try Self.remote(.replicate, options, secrets: secrets).replicateConfiguration(environment: environment)
            }
        }
    }

    @Test func a1111BasicAuthIsBothOrNeither() throws {
        let open = try Self.remote(.a1111, endpoint: "http://gpu:7860").a1111Configuration(environment: [:])
        #expect(open.username == nil)
        let authed = try Self.remote(.a1111, endpoint: "http://gpu:7860", secrets: ["username": "U", "password": "P"])
            .a1111Configuration(environment: ["U": "ops", "P": "pw"])
        #expect(authed.username == "ops" && authed.password == "pw")
        #expect(throws: ProviderSetupError.self) {
            try Self.remote(.a1111, endpoint: "http://gpu:7860", secrets: ["username": "U"]).a1111Configuration(environment: ["U": "ops"])
        }
        #expect(throws: ProviderSetupError.self) { try Self.remote(.a1111).a1111Configuration(environment: [:]) }
    }
}
