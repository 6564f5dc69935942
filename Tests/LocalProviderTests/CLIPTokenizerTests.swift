import Foundation
import Testing

@testable import LocalProvider

@Suite struct CLIPTokenizerTests {
    static let tokenizer = Result {
        try CLIPTokenizer(clipMergesGzipPath: Fixtures.path("bpe_simple_vocab_16e6.txt.gz"))
    }

    @Test func derivesCLIPsVocabularyFromTheMergesFile() throws {
        let tokenizer = try Self.tokenizer.get()
        #expect(tokenizer.vocabulary.tokenIDs.count == 49_408)
        #expect(tokenizer.startTokenID == 49_406)
        #expect(tokenizer.endTokenID == 49_407)
        #expect(tokenizer.vocabulary.tokenIDs["!"] == 0)
        #expect(tokenizer.vocabulary.tokenIDs["!</w>"] == 256)
    }

    @Test func matchesTheDiffusersTokenizerOnTrickyPrompts() throws {
        let tokenizer = try Self.tokenizer.get()
        let reference = try SafetensorsFile(path: Fixtures.path("tokenizer_reference.safetensors"))
        let prompts = try JSONDecoder().decode(
            [String].self, from: Data(reference.metadata["prompts", default: "[]"].utf8))
        let expected = try reference.integers("input_ids")
        #expect(prompts.count >= 10)
        #expect(expected.count == prompts.count * 77)
        for (index, prompt) in prompts.enumerated() {
            let ids = tokenizer.encode(prompt)
            #expect(
                ids == Array(expected[(index * 77)..<((index + 1) * 77)]), "prompt \(index): \(prompt.debugDescription)"
            )
        }
    }

    @Test func padsAndTruncatesTo77() throws {
        let tokenizer = try Self.tokenizer.get()
        #expect(tokenizer.encode("") == [49_406] + Array(repeating: 49_407, count: 76))
        let long = tokenizer.encode(String(repeating: "cat ", count: 200))
        #expect(long.count == 77)
        #expect(long.first == 49_406 && long.last == 49_407)
        #expect(Set(long.dropFirst().dropLast()).count == 1)
    }

    @Test func readsHuggingFaceVocabularyAndMergesFiles() throws {
        let folder = try ScratchFolder()
        let vocabulary = #"{"a":0,"b":1,"ab":2,"b</w>":3,"ab</w>":4,"<|startoftext|>":5,"<|endoftext|>":6}"#
        let vocabularyPath = try folder.write("vocab.json", Array(vocabulary.utf8))
        let mergesPath = try folder.write("merges.txt", Array("#version: 0.2\na b</w>\na b\n".utf8))
        let tokenizer = try CLIPTokenizer(vocabularyPath: vocabularyPath, mergesPath: mergesPath)
        // "ab" merges to "ab</w>" (rank 0), "abab" to "ab" + "ab</w>", and "c" is unknown (end token).
        #expect(tokenizer.tokenize("AB abab c") == [4, 2, 4, 6])
        #expect(tokenizer.encode("ab").prefix(4) == [5, 4, 6, 6])
    }

    @Test func rejectsBrokenTokenizerFiles() throws {
        let folder = try ScratchFolder()
        let gzipPath = try folder.write("broken.gz", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02])
        #expect(throws: TokenizerError.self) { try CLIPTokenizer(clipMergesGzipPath: gzipPath) }
        let vocabularyPath = try folder.write("vocab.json", Array("[1, 2]".utf8))
        let mergesPath = try folder.write("merges.txt", Array("a b c\n".utf8))
        #expect(throws: TokenizerError.self) {
            try CLIPTokenizer(vocabularyPath: vocabularyPath, mergesPath: mergesPath)
        }
        #expect(throws: TokenizerError.self) {
            try CLIPTokenizer(vocabularyPath: "\(folder.path)/missing.json", mergesPath: mergesPath)
        }
    }
}
