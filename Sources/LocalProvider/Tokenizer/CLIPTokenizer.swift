import Foundation

/// CLIP's BPE tokenizer as SD 1.x pipelines use it: `<|startoftext|>`, at most 75 prompt tokens,
/// `<|endoftext|>`, then padding with `<|endoftext|>` to 77 ids.
public struct CLIPTokenizer: Sendable {
    /// The sequence length of SD 1.x's text encoder.
    public static let contextLength = 77
    static let startText = "<|startoftext|>"
    static let endText = "<|endoftext|>"

    let vocabulary: BPEVocabulary
    /// `<|startoftext|>` (49406 in CLIP's vocabulary).
    public let startTokenID: Int
    /// `<|endoftext|>` (49407), also used for padding and unknown symbols.
    public let endTokenID: Int

    init(vocabulary: BPEVocabulary) throws {
        guard let start = vocabulary.tokenIDs[Self.startText], let end = vocabulary.tokenIDs[Self.endText] else {
            throw TokenizerError.invalidVocabulary("the vocabulary lacks \(Self.startText) or \(Self.endText)")
        }
        self.vocabulary = vocabulary
        startTokenID = start
        endTokenID = end
    }

    /// Loads Hugging Face's `vocab.json` and `merges.txt` (a diffusers `tokenizer/` folder).
    public init(vocabularyPath: String, mergesPath: String) throws {
        let vocabulary = try Self.read(vocabularyPath)
        guard let merges = String(data: try Self.read(mergesPath), encoding: .utf8) else {
            throw TokenizerError.invalidMerges("\(mergesPath) is not UTF-8 text")
        }
        try self.init(vocabulary: BPEVocabulary(vocabularyJSON: vocabulary, merges: merges))
    }

    /// Loads CLIP's original `bpe_simple_vocab_16e6.txt.gz` and derives the vocabulary from it.
    public init(clipMergesGzipPath path: String) throws {
        let bytes = try Gzip.decompress([UInt8](Self.read(path)))
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TokenizerError.invalidMerges("\(path) does not hold UTF-8 text")
        }
        try self.init(vocabulary: BPEVocabulary(clipMerges: text))
    }

    /// The token ids of `text` without start, end or padding tokens.
    public func tokenize(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in Self.splitSpecialTokens(text) {
            switch segment {
            case .special(let token):
                ids.append(vocabulary.tokenIDs[token] ?? endTokenID)
            case .text(let raw):
                for piece in CLIPTextNormalizer.preTokenize(CLIPTextNormalizer.normalize(String(raw))) {
                    for token in vocabulary.encode(word: ByteEncoder.symbols(piece)) {
                        ids.append(vocabulary.tokenIDs[token] ?? endTokenID)
                    }
                }
            }
        }
        return ids
    }

    /// The 77 ids the SD 1.x pipeline feeds its text encoder: start, the prompt truncated to 75 tokens, end,
    /// then `<|endoftext|>` padding.
    public func encode(_ prompt: String) -> [Int] {
        let content = tokenize(prompt).prefix(Self.contextLength - 2)
        let ids = [startTokenID] + content + [endTokenID]
        return ids + Array(repeating: endTokenID, count: Self.contextLength - ids.count)
    }

    private enum Segment {
        case special(String)
        case text(Substring)
    }

    /// Cuts out literal special tokens before normalisation, as Hugging Face's added-token handling does.
    private static func splitSpecialTokens(_ text: String) -> [Segment] {
        var segments: [Segment] = []
        var rest = text[...]
        while !rest.isEmpty {
            let matches = [startText, endText].compactMap { token in rest.range(of: token).map { (token, $0) } }
            guard let (token, range) = matches.min(by: { $0.1.lowerBound < $1.1.lowerBound }) else {
                segments.append(.text(rest))
                break
            }
            if range.lowerBound > rest.startIndex { segments.append(.text(rest[..<range.lowerBound])) }
            segments.append(.special(token))
            rest = rest[range.upperBound...]
        }
        return segments
    }

    private static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError.unreadable(path, "the file is missing or unreadable")
        }
        return data
    }
}
