import AuthKit
import Testing

@Suite struct StrictJSONParserTests {
    private func parse(_ text: String, maxDepth: Int = 16) throws(JSONParseError) -> JSONValue {
        try StrictJSONParser(maxDepth: maxDepth).parse(Array(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2, 1.5, 2e3, true, false, null, "x\u00e9\n\ud83d\ude00"], "b": {}} "#)
        #expect(
            value
                == .object([
                    "a": [.integer(1), .integer(-2), .float(1.5), .float(2000), true, false, .null, "xé\n😀"],
                    "b": .object([:]),
                ]))
    }

    @Test func keepsIntegersApartFromFloats() throws {
        #expect(try parse("1800000000") == .integer(1_800_000_000))
        #expect(try parse("1800000000.0") == .float(1_800_000_000))
        #expect(try parse("1.8e9") == .float(1.8e9))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
        #expect(throws: JSONParseError.self) { try parse("9223372036854775808") }
        #expect(throws: JSONParseError.self) { try parse("-9223372036854775809") }
    }

    @Test(arguments: [
        #"{"sub":"a","sub":"b"}"#, #"{"a":{"x":1,"x":2}}"#, #"[{"k":1,"k":1}]"#, #"{"sub":1,"s\u0075b":2}"#,
    ])
    func rejectsDuplicateKeysAtAnyDepth(text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "1e", "NaN", "Infinity", "tru", "nul",
        "\"abc", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "{} {}", "{'a':1}", "{a:1}",
        "99999999999999999999", "1e999",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try StrictJSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try StrictJSONParser().parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func boundsNestingDepth() throws {
        #expect(try parse(String(repeating: "[", count: 16) + String(repeating: "]", count: 16)) != .null)
        #expect(throws: JSONParseError.self) {
            try parse(String(repeating: "[", count: 17) + String(repeating: "]", count: 17))
        }
        #expect(throws: JSONParseError.self) { try parse(String(repeating: "[", count: 100_000)) }
    }

    @Test func serializationRoundTrips() throws {
        let value: JSONValue = ["b": [1, "two", false], "a": "quote \" backslash \\ tab \t", "c": .float(0.5)]
        #expect(try StrictJSONParser().parse(value.serialized()) == value)
        #expect(String(decoding: JSONValue.object(["b": 1, "a": 2]).serialized(), as: UTF8.self) == #"{"a":2,"b":1}"#)
    }
}
