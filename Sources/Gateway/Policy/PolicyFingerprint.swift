/// What the policy files looked like: each file's name and a hash of its text. Two fingerprints differ
/// when a file was added, removed, renamed or edited (a `touch` alone changes nothing).
struct PolicyFingerprint: Sendable, Hashable {
    private(set) var contentHashes: [String: Int]

    init(contentHashes: [String: Int] = [:]) {
        self.contentHashes = contentHashes
    }

    init(sources: [PolicySource]) {
        self.init(
            contentHashes: Dictionary(sources.map { ($0.name, Self.hash($0.text)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The hash of one file's text; stable within the process, which is all a watcher needs.
    static func hash(_ text: String) -> Int {
        var hasher = Hasher()
        hasher.combine(text)
        return hasher.finalize()
    }
}
