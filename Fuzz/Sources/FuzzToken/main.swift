import AuthKit
import FuzzSupport

// The token parser end to end: compact JWS splitting, strict base64url and JSON, the header rules, then (for
// payloads signed here with a known key) every claim check. The first byte chooses what the rest is:
// 0: a whole token string; 1: the claims JSON of a token signed with the trusted key; 2: a JWKS document.

/// A clock stopped at the time the seed corpus's claims are written around.
struct FixedClock: WallClock {
    func now() -> Int64 { 1_700_000_000 }
}

let signingKey = try DevSigningKey.generate(bits: 2048, keyID: "fuzz-key")
let configuration = IssuerConfiguration(
    issuers: ["https://issuer.fuzz.test"], keySetURL: "https://issuer.fuzz.test/jwks",
    audiences: ["fuzz-client"], hostedDomains: ["fuzz.test"], requireVerifiedEmail: true)
let issuer = TrustedIssuer(
    configuration: configuration,
    keySet: KeySetCache(source: StaticKeySetSource(keys: [signingKey]), clock: FixedClock()))
let verifier = IDTokenVerifier(issuers: [issuer], clock: FixedClock(), tokenCache: nil)

func verify(_ token: String) {
    Fuzzer.wait { _ = try? await verifier.verify(token) }
}

Fuzzer.run { input in
    guard let mode = input.first else { return }
    let rest = input.dropFirst()
    _ = try? StrictJSONParser().parse(rest)
    switch mode % 3 {
    case 0:
        let token = String(decoding: rest, as: UTF8.self)
        _ = try? CompactJWS(parsing: token)
        verify(token)
    case 1:
        let header = Array(#"{"alg":"RS256","kid":"fuzz-key","typ":"JWT"}"#.utf8)
        guard let token = try? signingKey.sign(rawHeader: header, rawPayload: Array(rest)) else { return }
        verify(token)
    default:
        _ = try? KeySet(document: Array(rest))
    }
}
