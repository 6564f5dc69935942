/// Recognises secrets written where only the name of an environment variable belongs.
enum SecretKeyName {
    /// Words that, as a part of a key, mark its value as a secret (`api_key`, `clientSecret`, `auth-token`).
    private static let secretWords: Set<String> = [
        "key", "apikey", "secret", "token", "password", "passwd", "credential", "credentials", "bearer",
    ]
    /// Prefixes of well-known API tokens (OpenAI-style, Replicate, RunPod).
    private static let tokenPrefixes = ["sk-", "r8_", "rpa_"]

    /// Whether a key names a secret value, judged by its words (split at `_`, `-` and case changes).
    static func looksSecret(_ key: String) -> Bool {
        guard !key.hasSuffix("_env") else { return false }
        return words(of: key).contains { secretWords.contains($0) }
    }

    /// Whether a value looks like an API token itself.
    static func looksLikeToken(_ value: String) -> Bool {
        tokenPrefixes.contains { value.hasPrefix($0) && value.count > $0.count + 8 }
    }

    /// Whether `name` is usable as an environment variable name (`BANANA_API_KEY`).
    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }

    private static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in key {
            if character == "_" || character == "-" || character == "." {
                words.append(current)
                current = ""
            } else if character.isUppercase && !current.isEmpty && !(current.last?.isUppercase ?? false) {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
        }
        words.append(current)
        return words.map { $0.lowercased() }.filter { !$0.isEmpty }
    }
}
