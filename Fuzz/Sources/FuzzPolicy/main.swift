import FuzzSupport
import Gateway

// The policy loader: YAML parsing, per-file validation and cross-file assembly, as `policy check` and the
// watcher run them. The input is up to 8 files separated by `##FILE##` lines; a valid set then resolves a few
// identities.

let separator = Array("\n##FILE##\n".utf8)

Fuzzer.run { input in
    let sources = input.split(separator: separator, omittingEmptySubsequences: false).prefix(8).enumerated().map {
        PolicySource(name: "fuzz-\($0.offset).yaml", text: String(decoding: $0.element, as: UTF8.self))
    }
    guard let policy = PolicyLoader.check(sources).policy else { return }
    _ = policy.resolve(email: "ada@example.com", emailVerified: true, hostedDomain: "example.com", subject: "1")
    _ = policy.resolve(email: "Mallory@Blocked.Example", emailVerified: false, hostedDomain: nil, subject: nil)
}
