import Foundation

/// CLIP's byte-pair-encoding tables: token ids and merge ranks.
struct BPEVocabulary: Sendable {
    struct Pair: Hashable, Sendable {
        let left: String
        let right: String
    }

    /// Token string to id (49,408 entries for CLIP).
    let tokenIDs: [String: Int]
    /// Merge rank by symbol pair; lower ranks merge first.
    let mergeRanks: [Pair: Int]

    /// The number of merges CLIP uses from `bpe_simple_vocab_16e6.txt` (49,152 - 256 - 2).
    static let clipMergeCount = 48_894

    /// Reads Hugging Face's `vocab.json` (token to id) and `merges.txt` (one `left right` pair per line).
    init(vocabularyJSON: Data, merges: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: vocabularyJSON),
            let entries = object as? [String: Int]
        else {
            throw TokenizerError.invalidVocabulary("vocab.json must be a JSON object mapping tokens to integer ids")
        }
        tokenIDs = entries
        mergeRanks = try Self.ranks(Self.mergeLines(merges).dropFirst(merges.hasPrefix("#version") ? 1 : 0))
    }

    /// Derives the vocabulary from CLIP's original merges file exactly as CLIP does: the 256 byte symbols, the same
    /// with `</w>`, one token per merge (the first 48,894), then `<|startoftext|>` and `<|endoftext|>`.
    init(clipMerges text: String) throws {
        let lines = Self.mergeLines(text)
        guard lines.count > Self.clipMergeCount else {
            throw TokenizerError.invalidMerges(
                "CLIP's merges file needs \(Self.clipMergeCount + 1) lines, got \(lines.count)")
        }
        let merges = lines[1...Self.clipMergeCount]
        let ranks = try Self.ranks(merges)
        var tokens = ByteEncoder.orderedSymbols.map { String($0.symbol) }
        tokens += tokens.map { $0 + "</w>" }
        for line in merges {
            tokens.append(line.split(separator: " ").joined())
        }
        tokens += [CLIPTokenizer.startText, CLIPTokenizer.endText]
        var ids: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { ids[token] = id }
        tokenIDs = ids
        mergeRanks = ranks
    }

    private static func mergeLines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    }

    private static func ranks(_ lines: ArraySlice<Substring>) throws -> [Pair: Int] {
        var ranks: [Pair: Int] = [:]
        for (rank, line) in lines.enumerated() {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw TokenizerError.invalidMerges("merge line \(rank + 1) is not two symbols: '\(line)'")
            }
            let pair = Pair(left: String(parts[0]), right: String(parts[1]))
            if ranks[pair] == nil { ranks[pair] = rank }
        }
        return ranks
    }

    /// Splits one pre-token (already mapped to byte symbols) into vocabulary tokens by applying merges by rank.
    func encode(word symbols: [String]) -> [String] {
        guard !symbols.isEmpty else { return [] }
        var parts = symbols
        parts[parts.count - 1] += "</w>"
        while parts.count > 1 {
            var best: (rank: Int, pair: Pair)?
            for index in 0..<(parts.count - 1) {
                let pair = Pair(left: parts[index], right: parts[index + 1])
                if let rank = mergeRanks[pair], rank < best?.rank ?? .max { best = (rank, pair) }
            }
            guard let pair = best?.pair else { break }
            var merged: [String] = []
            merged.reserveCapacity(parts.count)
            var index = 0
            while index < parts.count {
                if index + 1 < parts.count && parts[index] == pair.left && parts[index + 1] == pair.right {
                    merged.append(pair.left + pair.right)
                    index += 2
                } else {
                    merged.append(parts[index])
                    index += 1
                }
            }
            parts = merged
        }
        return parts
    }
}
