import Foundation
import Testing

@testable import LocalProvider

@Suite struct SafetensorsFileTests {
    /// A safetensors file: little-endian header length, header bytes, data.
    static func file(header: [UInt8], data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let length = declaredLength ?? UInt64(header.count)
        return withUnsafeBytes(of: length.littleEndian, Array.init) + header + data
    }

    static func file(json: String, data: [UInt8]) -> [UInt8] {
        file(header: Array(json.utf8), data: data)
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    private func open(_ bytes: [UInt8]) throws -> SafetensorsFile {
        let folder = try ScratchFolder()
        return try SafetensorsFile(path: folder.write("model.safetensors", bytes))
    }

    private func expectFailure(_ bytes: [UInt8], reason: String, naming tensor: String? = nil) {
        do {
            _ = try open(bytes)
            Issue.record("expected \(reason), but the file loaded")
        } catch let error as SafetensorsError {
            #expect(error.reason == reason, "\(error)")
            if let tensor { #expect(error.message.contains("'\(tensor)'"), "\(error)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func readsF32F16AndBF16AsFloats() throws {
        let half: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]  // 1, -2
        let bfloat: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]  // 1, -3
        let json = """
            {"__metadata__":{"format":"pt"},
             "a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},
             "b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},
             "c":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},
             "empty":{"dtype":"F32","shape":[0,3],"data_offsets":[24,24]}}
            """
        let file = try open(Self.file(json: json, data: Self.floatBytes([1, 2, 3, 4]) + half + bfloat))
        #expect(try file.tensor("a") == Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        #expect(try file.tensor("b").scalars == [1, -2])
        #expect(try file.tensor("c").scalars == [1, -3])
        #expect(try file.tensor("empty").shape == [0, 3])
        #expect(file.metadata == ["format": "pt"])
        #expect(file.names == ["a", "b", "c", "empty"])
    }

    @Test func readsChosenRowsOnlyAndRefusesRowsOutsideTheTensor() throws {
        // A 3 x 2 float16 table: rows [1, 2], [3, 4], [-2, 0.5].
        let halves: [UInt16] = [0x3C00, 0x4000, 0x4200, 0x4400, 0xC000, 0x3800]
        let json = """
            {"table":{"dtype":"F16","shape":[3,2],"data_offsets":[0,12]},
             "scalar":{"dtype":"F32","shape":[],"data_offsets":[12,16]}}
            """
        let data = halves.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } + Self.floatBytes([7])
        let file = try open(Self.file(json: json, data: data))
        #expect(try file.rows("table", [2, 0, 2]) == Tensor(shape: [3, 2], scalars: [-2, 0.5, 1, 2, -2, 0.5]))
        #expect(try file.rows("table", []).shape == [0, 2])
        for (name, row) in [("table", 3), ("table", -1), ("scalar", 0)] {
            do {
                _ = try file.rows(name, [0, row])
                Issue.record("row \(row) of \(name) was read")
            } catch let error as SafetensorsError {
                #expect(error.reason == "safetensors_row_out_of_range", "\(error)")
                #expect(error.message.contains("'\(name)'") && error.message.contains("no row \(row)"), "\(error)")
            }
        }
    }

    @Test func rejectsFilesShorterThanTheLengthField() {
        expectFailure([1, 2, 3], reason: "safetensors_truncated")
    }

    @Test func rejectsATruncatedHeader() {
        let json = Array(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)
        expectFailure(
            Self.file(header: Array(json.prefix(10)), data: [], declaredLength: UInt64(json.count)),
            reason: "safetensors_truncated")
    }

    @Test func rejectsTruncatedData() {
        let json = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        expectFailure(
            Self.file(json: json, data: Self.floatBytes([1, 2])), reason: "safetensors_out_of_bounds", naming: "a")
    }

    @Test func rejectsAHugeHeaderLength() {
        expectFailure(
            Self.file(header: Array("{}".utf8), data: [], declaredLength: UInt64.max),
            reason: "safetensors_header_too_large")
        expectFailure(
            Self.file(header: Array("{}".utf8), data: [], declaredLength: 200_000_000),
            reason: "safetensors_header_too_large")
    }

    @Test func rejectsOverlappingRanges() {
        let json = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """
        expectFailure(
            Self.file(json: json, data: Self.floatBytes([1, 2, 3])), reason: "safetensors_overlapping", naming: "b")
    }

    @Test func rejectsAShapeThatDisagreesWithTheRange() {
        let json = #"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#
        expectFailure(
            Self.file(json: json, data: Self.floatBytes([1, 2])), reason: "safetensors_size_mismatch", naming: "a")
    }

    @Test func rejectsAnUnknownDType() {
        let json = #"{"w":{"dtype":"F24","shape":[1],"data_offsets":[0,3]}}"#
        expectFailure(Self.file(json: json, data: [0, 0, 0]), reason: "safetensors_unknown_dtype", naming: "w")
    }

    @Test func rejectsAHeaderThatIsNotUTF8() {
        let header: [UInt8] = Array("{\"a".utf8) + [0xFF, 0xFE] + Array("\":1}".utf8)
        expectFailure(Self.file(header: header, data: []), reason: "safetensors_header_not_utf8")
    }

    @Test func rejectsAHeaderThatIsNotAJSONObject() {
        expectFailure(Self.file(json: "[1, 2]", data: []), reason: "safetensors_header_not_json")
        expectFailure(Self.file(json: "{\"a\": ", data: []), reason: "safetensors_header_not_json")
    }

    @Test func rejectsOffsetsOutOfTheFile() {
        let json = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[1000000,1000004]}}"#
        expectFailure(
            Self.file(json: json, data: Self.floatBytes([1])), reason: "safetensors_out_of_bounds", naming: "a")
        let negative = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#
        expectFailure(Self.file(json: negative, data: []), reason: "safetensors_invalid_entry", naming: "a")
    }

    @Test func rejectsBytesNoTensorOwns() {
        let trailing = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        expectFailure(Self.file(json: trailing, data: Self.floatBytes([1, 2])), reason: "safetensors_unindexed_bytes")
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectFailure(Self.file(json: gap, data: Self.floatBytes([1, 2])), reason: "safetensors_unindexed_bytes")
    }

    @Test func rejectsMalformedEntries() {
        let shape = #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#
        expectFailure(
            Self.file(json: shape, data: Self.floatBytes([1])), reason: "safetensors_invalid_entry", naming: "a")
        let overflow = #"{"a":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#
        expectFailure(Self.file(json: overflow, data: Self.floatBytes([1, 2])), reason: "safetensors_invalid_entry")
        let missing = #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#
        expectFailure(Self.file(json: missing, data: Self.floatBytes([1])), reason: "safetensors_invalid_entry")
    }

    @Test func namesAMissingTensorAndRefusesIntegersAsFloats() throws {
        let json = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#
        let ids: [UInt8] =
            withUnsafeBytes(of: Int64(7).littleEndian, Array.init)
            + withUnsafeBytes(of: Int64(-1).littleEndian, Array.init)
        let file = try open(Self.file(json: json, data: ids))
        #expect(try file.integers("ids") == [7, -1])
        #expect(throws: SafetensorsError.self) { try file.tensor("ids") }
        #expect(throws: SafetensorsError.self) { try file.tensor("nothing") }
    }

    @Test func survivesEveryTruncationOfAValidFile() throws {
        let json =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}"#
        let valid = Self.file(json: json, data: Self.floatBytes([1, 2]) + [0x80, 0x3F])
        _ = try open(valid)
        for length in 0..<valid.count {
            #expect(throws: SafetensorsError.self) { _ = try open(Array(valid.prefix(length))) }
        }
    }
}
