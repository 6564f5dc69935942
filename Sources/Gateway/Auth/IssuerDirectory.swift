import AuthKit
import Locking

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
        /// The JWKS URLs the current verifier's remote issuers use.
        var activeURLs: [String] = []
    }

    /// Whether tokens can be verified: which remote key sets are missing and why, and whether any issuer can
    /// verify a token at all (the dev issuer always can).
    struct KeySetReadiness: Sendable {
        var missing: [String: String]
        var usable: Int
    }

    private let devIssuer: TrustedIssuer?
    private let remoteSource: SourceFactory
    private let clock: any WallClock
    private let state = LockedState(State())

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
            state.activeURLs = issuers.dropFirst(devIssuer == nil ? 0 : 1).map(\.configuration.keySetURL)
            state.auth = auth
            state.verifier = verifier
            return verifier
        }
    }

    /// The key sets of `auth`'s remote issuers: one that has never been fetched, or whose every fetch failed, is
    /// fetched now, so readiness tells at start whether the JWKS endpoints answer. A set that was fetched once is
    /// kept (and used) when later fetches fail, so it counts as usable.
    func keySetReadiness(for auth: AuthPolicy) async -> KeySetReadiness {
        _ = verifier(for: auth)
        let caches = state.withLock { state in
            state.activeURLs.compactMap { url in state.caches[url].map { (url, $0) } }
        }
        var readiness = KeySetReadiness(missing: [:], usable: devIssuer == nil ? 0 : 1)
        for (url, cache) in caches {
            var status = await cache.status
            if status.keyIDs.isEmpty { status = await cache.refresh() }
            if status.keyIDs.isEmpty {
                readiness.missing[url] = status.lastError ?? "no keys in the set"
            } else {
                readiness.usable += 1
            }
        }
        return readiness
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
