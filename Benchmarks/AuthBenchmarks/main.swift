import AuthKit
import Foundation

/// RS256 ID token verification throughput: mints tokens with one fixed RSA-2048 key, writes them with the JWKS
/// and a certificate to a folder (for bench/pyjwt_bench.py), then measures cold verifies (token cache off) and
/// cached verifies. Prints one JSON object. Usage: AuthBenchmarks [output-folder] [token-count] [seconds]
let arguments = CommandLine.arguments
let folder = arguments.count > 1 ? arguments[1] : NSTemporaryDirectory() + "auth-bench-\(getpid())"
let tokenCount = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 3 : 3
let clientID = "bench-client.apps.googleusercontent.com"

let key = try DevSigningKey.generate(bits: 2048, keyID: "bench-key")
let now = SystemWallClock().now()
let tokens = try (0..<tokenCount).map { index in
    try key.sign(claims: [
        "iss": "https://accounts.google.com", "aud": .string(clientID), "sub": .string("user-\(index)"),
        "email": .string("user\(index)@example.com"), "email_verified": true, "iat": .integer(now),
        "exp": .integer(now + 3600),
    ])
}
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
try tokens.joined(separator: "\n").write(toFile: folder + "/tokens.txt", atomically: true, encoding: .utf8)
try Data(key.keySetDocument()).write(to: URL(fileURLWithPath: folder + "/jwks.json"))
try key.certificatePEM(notBefore: now - 60, notAfter: now + 86400)
    .write(toFile: folder + "/cert.pem", atomically: true, encoding: .utf8)
try JSONSerialization.data(withJSONObject: ["client_id": clientID, "issuer": "https://accounts.google.com"])
    .write(to: URL(fileURLWithPath: folder + "/config.json"))

func makeVerifier(cache: VerifiedTokenCache?) -> IDTokenVerifier {
    let keySet = KeySetCache(source: StaticKeySetSource(keys: [key]))
    return IDTokenVerifier(
        issuers: [TrustedIssuer(configuration: .google(clientIDs: [clientID]), keySet: keySet)], tokenCache: cache)
}

/// Process CPU time in seconds: on a shared machine it counts only the work this process did.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Runs passes over all tokens until `seconds` of wall time have passed; returns verifications per wall-clock
/// second and per CPU second.
func measure(_ verifier: IDTokenVerifier) async throws -> (perSecond: Double, perCPUSecond: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = cpuSeconds()
    var count = 0
    while clock.now - start < .seconds(seconds) {
        for token in tokens {
            _ = try await verifier.verify(token)
        }
        count += tokens.count
    }
    let elapsed = clock.now - start
    let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(count) / total, Double(count) / (cpuSeconds() - cpuStart))
}

let cold = makeVerifier(cache: nil)
_ = try await cold.verify(tokens[0])
let coldResult = try await measure(cold)

let cache = VerifiedTokenCache(capacity: tokenCount * 2)
let cached = makeVerifier(cache: cache)
for token in tokens { _ = try await cached.verify(token) }
let cachedResult = try await measure(cached)

let publicKey = key.publicKey
let parts = tokens[0].split(separator: ".")
let signingInput = Array((parts[0] + "." + parts[1]).utf8)
let signature = Base64URL.decode(String(parts[2]))!
let rawCPUStart = cpuSeconds()
var rawCount = 0
while cpuSeconds() - rawCPUStart < seconds / 2 {
    for _ in 0..<100 where publicKey.verify(signature: signature, message: signingInput) { rawCount += 1 }
}
let rawSeconds = cpuSeconds() - rawCPUStart

let report: [String: Any] = [
    "folder": folder, "tokens": tokenCount,
    "cold_per_second": coldResult.perSecond, "cold_per_cpu_second": coldResult.perCPUSecond,
    "cached_ns_per_verify": 1e9 / cachedResult.perSecond, "cached_cpu_ns_per_verify": 1e9 / cachedResult.perCPUSecond,
    "raw_rsa_verify_per_cpu_second": Double(rawCount) / rawSeconds,
    "signature_checks_cold": cold.signatureVerifications, "signature_checks_cached": cached.signatureVerifications,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
