import AuthKit
import Synchronization

/// Builds the `IDTokenVerifier` for the policy's `auth:` section (Google and other issuers), plus the dev issuer
/// when it is on, and rebuilds it when a reload changes `auth:`. Key-set caches are kept per JWKS URL across
/// rebuilds, so a reload does not refetch keys.
final class IssuerDirectory: Sendable {
    /// Makes the key-set source of a remote issuer from its JWKS URL.
    typealias SourceFactory = @Sendable (String) -> any KeySetSource

    private struct State {
        var auth: AuthPolicy?
        var verifier: IDTokenVerifier?
        var caches: [String: KeySetCache] = [:]
    }

    private let devIssuer: TrustedIssuer?
    private let remoteSource: SourceFactory
    private let clock: any WallClock
    private let state = Mutex(State())

    /// - Parameters:
    ///   - devIssuer: The dev issuer, trusted first when sign-in in development mode is on.
    ///   - remoteSource: How remote key sets are fetched.
    init(devIssuer: TrustedIssuer?, remoteSource: @escaping SourceFactory, clock: any WallClock) {
        self.devIssuer = devIssuer
        self.remoteSource = remoteSource
        self.clock = clock
    }

    /// The verifier for `auth`, rebuilt only when `auth` differs from the last one.
    func verifier(for auth: AuthPolicy) -> IDTokenVerifier {
        state.withLock { state in
            if let verifier = state.verifier, state.auth == auth { return verifier }
            let issuers = trustedIssuers(auth, caches: &state.caches)
            let verifier = IDTokenVerifier(issuers: issuers, clock: clock)
            state.auth = auth
            state.verifier = verifier
            return verifier
        }
    }

    private func trustedIssuers(_ auth: AuthPolicy, caches: inout [String: KeySetCache]) -> [TrustedIssuer] {
        var issuers: [TrustedIssuer] = devIssuer.map { [$0] } ?? []
        let devNames = devIssuer?.configuration.issuers ?? []
        var configurations: [IssuerConfiguration] = []
        if let google = auth.google {
            configurations.append(
                .google(clientIDs: Set(google.clientIDs), hostedDomains: Set(google.hostedDomains)))
        }
        for issuer in auth.issuers where devNames.isDisjoint(with: issuer.issuers) {
            configurations.append(
                IssuerConfiguration(
                    issuers: Set(issuer.issuers), keySetURL: issuer.jwksURL, audiences: Set(issuer.clientIDs)))
        }
        for configuration in configurations {
            let cache =
                caches[configuration.keySetURL]
                ?? KeySetCache(source: remoteSource(configuration.keySetURL), clock: clock)
            caches[configuration.keySetURL] = cache
            issuers.append(TrustedIssuer(configuration: configuration, keySet: cache))
        }
        return issuers
    }
}
