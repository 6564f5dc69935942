import Foundation

/// The folder of policy files: which files count, reading them, and cheaply noticing when they change.
struct PolicyDirectory: Sendable {
    /// What `stat` says about a file; while it is unchanged the file's content hash is reused.
    struct FileStamp: Sendable, Hashable {
        var modified: Date
        var size: Int
    }

    let path: String

    /// The policy files' names, sorted: every `*.yaml` and `*.yml` that is not hidden (editors' swap and
    /// backup files such as `.tiers.yaml.swp` or `tiers.yaml~` do not count).
    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
            .sorted()
    }

    /// Reads every policy file, or throws with a diagnostic for each one that cannot be read.
    func read() throws(PolicyLoadError) -> [PolicySource] {
        let names: [String]
        do {
            names = try fileNames()
        } catch {
            throw PolicyLoadError(diagnostics: [
                PolicyDiagnostic(
                    .error, .unreadableFile, at: PolicyLocation(file: path, line: 1, column: 1),
                    "cannot list the policy folder \(path)",
                    fix: "check the path given to --policies and its permissions")
            ])
        }
        guard !names.isEmpty else {
            throw PolicyLoadError(diagnostics: [
                PolicyDiagnostic(
                    .error, .noPolicyFiles, at: PolicyLocation(file: path, line: 1, column: 1),
                    "the policy folder \(path) holds no *.yaml file",
                    fix: "copy the example files from the repository's policies/ folder")
            ])
        }
        var sources: [PolicySource] = []
        var problems: [PolicyDiagnostic] = []
        for name in names {
            if let text = readText(name) {
                sources.append(PolicySource(name: name, text: text))
            } else {
                problems.append(
                    PolicyDiagnostic(
                        .error, .unreadableFile, at: PolicyLocation(file: name, line: 1, column: 1),
                        "cannot read \(name) as UTF-8 text", fix: "check the file's permissions and encoding"))
            }
        }
        guard problems.isEmpty else { throw PolicyLoadError(diagnostics: problems) }
        return sources
    }

    /// The files' fingerprint, re-reading only files whose modification time or size changed since `cache`.
    func fingerprint(cache: inout [String: (FileStamp, Int)]) -> PolicyFingerprint {
        guard let names = try? fileNames() else { return PolicyFingerprint() }
        var hashes: [String: Int] = [:]
        var seen: [String: (FileStamp, Int)] = [:]
        for name in names {
            guard let stamp = stamp(name) else { continue }
            if let (cachedStamp, hash) = cache[name], cachedStamp == stamp {
                hashes[name] = hash
                seen[name] = (stamp, hash)
            } else if let text = readText(name) {
                let hash = PolicyFingerprint.hash(text)
                hashes[name] = hash
                seen[name] = (stamp, hash)
            }
        }
        cache = seen
        return PolicyFingerprint(contentHashes: hashes)
    }

    private func url(_ name: String) -> URL {
        URL(fileURLWithPath: path).appendingPathComponent(name)
    }

    private func readText(_ name: String) -> String? {
        guard let data = FileManager.default.contents(atPath: url(name).path) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    private func stamp(_ name: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url(name).path),
            let modified = attributes[.modificationDate] as? Date,
            let size = (attributes[.size] as? NSNumber)?.intValue
        else { return nil }
        return FileStamp(modified: modified, size: size)
    }
}
