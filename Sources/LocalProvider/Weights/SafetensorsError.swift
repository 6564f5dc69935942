/// Why a safetensors file could not be read; `reason` is stable and machine-readable.
public struct SafetensorsError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case unreadable = "safetensors_unreadable"
        case truncated = "safetensors_truncated"
        case headerTooLarge = "safetensors_header_too_large"
        case headerNotUTF8 = "safetensors_header_not_utf8"
        case headerNotJSON = "safetensors_header_not_json"
        case invalidEntry = "safetensors_invalid_entry"
        case unknownDType = "safetensors_unknown_dtype"
        case sizeMismatch = "safetensors_size_mismatch"
        case outOfBounds = "safetensors_out_of_bounds"
        case overlapping = "safetensors_overlapping"
        case unindexedBytes = "safetensors_unindexed_bytes"
        case tensorNotFound = "safetensors_tensor_not_found"
        case notFloatingPoint = "safetensors_not_floating_point"
        case notInteger = "safetensors_not_integer"
        case rowOutOfRange = "safetensors_row_out_of_range"
    }

    private let code: Code
    /// What is wrong, naming the file and tensor, and what to do.
    public let message: String
    /// A stable code for logs and tests.
    public var reason: String { code.rawValue }
    public var description: String { "\(reason): \(message)" }

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func unreadable(_ path: String, _ detail: String) -> Self {
        Self(.unreadable, "cannot read \(path): \(detail)")
    }
    static func truncated(_ path: String, _ detail: String) -> Self {
        Self(.truncated, "\(path) is truncated: \(detail); download the file again")
    }
    static func headerTooLarge(_ path: String, length: UInt64, limit: Int) -> Self {
        Self(
            .headerTooLarge,
            "\(path) declares a \(length)-byte header, above the \(limit)-byte limit; not a safetensors file?")
    }
    static func headerNotUTF8(_ path: String) -> Self {
        Self(.headerNotUTF8, "\(path): the JSON header is not valid UTF-8")
    }
    static func headerNotJSON(_ path: String, _ detail: String) -> Self {
        Self(.headerNotJSON, "\(path): the header is not a JSON object (\(detail))")
    }
    static func invalidEntry(_ path: String, tensor: String, _ detail: String) -> Self {
        Self(.invalidEntry, "\(path): tensor '\(tensor)' has an invalid header entry: \(detail)")
    }
    static func unknownDType(_ path: String, tensor: String, dtype: String) -> Self {
        Self(.unknownDType, "\(path): tensor '\(tensor)' has unknown dtype '\(dtype)'")
    }
    static func sizeMismatch(_ path: String, tensor: String, expected: Int, actual: Int) -> Self {
        Self(
            .sizeMismatch,
            "\(path): tensor '\(tensor)' needs \(expected) bytes for its shape and dtype, its range has \(actual)")
    }
    static func outOfBounds(_ path: String, tensor: String, end: Int, available: Int) -> Self {
        Self(
            .outOfBounds,
            "\(path): tensor '\(tensor)' ends at data byte \(end), past the \(available) bytes in the file; the file may be truncated"
        )
    }
    static func overlapping(_ path: String, tensor: String, other: String) -> Self {
        Self(.overlapping, "\(path): tensor '\(tensor)' overlaps tensor '\(other)'")
    }
    static func unindexedBytes(_ path: String, offset: Int, length: Int) -> Self {
        Self(.unindexedBytes, "\(path): \(length) data bytes at offset \(offset) belong to no tensor")
    }
    static func tensorNotFound(_ path: String, tensor: String) -> Self {
        Self(.tensorNotFound, "\(path) has no tensor '\(tensor)'")
    }
    static func notFloatingPoint(_ path: String, tensor: String, dtype: String) -> Self {
        Self(.notFloatingPoint, "\(path): tensor '\(tensor)' is \(dtype); only F32, F16, BF16 and F64 load as floats")
    }
    static func notInteger(_ path: String, tensor: String, dtype: String) -> Self {
        Self(.notInteger, "\(path): tensor '\(tensor)' is \(dtype), not a signed or 8-bit integer type")
    }
    static func rowOutOfRange(_ path: String, tensor: String, row: Int, shape: [Int]) -> Self {
        Self(.rowOutOfRange, "\(path): tensor '\(tensor)' (shape \(shape)) has no row \(row)")
    }
}
