import Foundation

/// CLIP's text clean-up and pre-tokenisation, as the tokenizer of diffusers' SD 1.x pipelines applies them:
/// NFC, whitespace runs collapsed, lowercase (per code point), then split on
/// `'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+` with whitespace dropped.
enum CLIPTextNormalizer {
    /// Normalises `text`: NFC, whitespace collapsed to single spaces, each code point lowercased.
    static func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !previousWasSpace { result.append(" ") }
                previousWasSpace = true
                continue
            }
            previousWasSpace = false
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(result)
    }

    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// Splits normalised text into pre-tokens.
    static func preTokenize(_ text: String) -> [Substring] {
        let scalars = Array(text.unicodeScalars)
        var offsets: [String.Index] = []
        offsets.reserveCapacity(scalars.count + 1)
        var cursor = text.unicodeScalars.startIndex
        for _ in scalars {
            offsets.append(cursor)
            cursor = text.unicodeScalars.index(after: cursor)
        }
        offsets.append(text.endIndex)
        var pieces: [Substring] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let end: Int
            if isSpace(scalar) {
                index += 1
                continue
            } else if scalar == "'", let length = contractionLength(scalars, after: index) {
                end = index + 1 + length
            } else if isLetter(scalar) {
                var position = index + 1
                while position < scalars.count && isLetter(scalars[position]) { position += 1 }
                end = position
            } else if isNumber(scalar) {
                end = index + 1
            } else {
                var position = index + 1
                while position < scalars.count && isOther(scalars[position]) { position += 1 }
                end = position
            }
            pieces.append(text[offsets[index]..<offsets[end]])
            index = end
        }
        return pieces
    }

    private static func contractionLength(_ scalars: [Unicode.Scalar], after index: Int) -> Int? {
        for suffix in contractions where index + suffix.count < scalars.count {
            if Array(scalars[(index + 1)...(index + suffix.count)]) == suffix { return suffix.count }
        }
        return nil
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    private static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    private static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        !isSpace(scalar) && !isLetter(scalar) && !isNumber(scalar)
    }
}
