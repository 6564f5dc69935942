import Foundation
import LocalProvider
import Providers

/// Makes an `ImageProvider` from its policy entry; throws `ProviderSetupError` when the entry cannot work.
public typealias ProviderFactory = @Sendable (ProviderDefinition) throws -> any ImageProvider

/// Builds the policy's `providers:` entries into `ImageProvider`s, by `kind`. Adding a kind is one file (its
/// adapter) plus one line in `builtIn`. A kind with no adapter in this build is reported unusable with the
/// reason, never replaced by a stand-in.
public struct ProviderRegistry: Sendable {
    /// The adapters compiled into this gateway, by kind. Secrets come from the process environment.
    public static let builtIn: [ProviderKind: ProviderFactory] = [
        .local: { definition in
            let provider = LocalImageProvider(name: definition.name, configuration: try definition.localConfiguration())
            if let reason = provider.unreadyReason() {
                throw ProviderSetupError(provider: definition.name, location: definition.location, message: reason)
            }
            return provider
        },
        .banana: { definition in
            BananaProvider(
                name: definition.name, configuration: try definition.bananaConfiguration(environment: environment),
                capabilities: remoteCapabilities)
        },
        .runpod: { definition in
            RunPodProvider(
                name: definition.name, configuration: try definition.runPodConfiguration(environment: environment),
                capabilities: remoteCapabilities)
        },
        .replicate: { definition in
            ReplicateProvider(
                name: definition.name, configuration: try definition.replicateConfiguration(environment: environment),
                capabilities: remoteCapabilities)
        },
        .a1111: { definition in
            A1111Provider(
                name: definition.name, configuration: try definition.a1111Configuration(environment: environment),
                capabilities: remoteCapabilities)
        },
    ]

    /// What a remote provider is assumed to serve; the tier's own limits are what bind users.
    static let remoteCapabilities = ProviderCapabilities(maxWidth: 2048, maxHeight: 2048, maxSteps: 500, schedulers: [])

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public var factories: [ProviderKind: ProviderFactory]

    /// A registry of the built-in adapters, with `overrides` replacing or adding kinds (tests inject test doubles).
    public init(overrides: [ProviderKind: ProviderFactory] = [:]) {
        factories = Self.builtIn.merging(overrides) { _, override in override }
    }

    /// The providers that could be built, and the reason for each that could not, by provider name.
    public func build(_ definitions: [ProviderDefinition]) -> (
        providers: [any ImageProvider], unusable: [String: String]
    ) {
        var providers: [any ImageProvider] = []
        var unusable: [String: String] = [:]
        for definition in definitions {
            guard let factory = factories[definition.kind] else {
                unusable[definition.name] =
                    "kind '\(definition.kind.rawValue)' has no adapter in this build of the gateway yet; "
                    + "route the tier to another provider"
                continue
            }
            do {
                providers.append(try factory(definition))
            } catch {
                unusable[definition.name] = "\(error)"
            }
        }
        return (providers, unusable)
    }
}
