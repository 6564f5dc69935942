import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A memory-mapped safetensors file whose header has been validated completely before any tensor is read.
///
/// Validation: the header length is capped and inside the file, the header is UTF-8 JSON, every dtype is known,
/// `shape x dtype size` equals each byte range, and the ranges lie inside the data, do not overlap and cover it
/// exactly. Tensors convert to float32 on load (F32, F16, BF16, F64).
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        public let dtype: SafetensorsDType
        public let shape: [Int]
        /// Byte range relative to the start of the data section.
        public let byteRange: Range<Int>
    }

    /// The largest header accepted (the safetensors reference implementation's limit).
    public static let maximumHeaderLength = 100_000_000

    public let path: String
    /// Every tensor in the file by name (`__metadata__` excluded).
    public let entries: [String: Entry]
    /// The free-form string metadata, if any.
    public let metadata: [String: String]

    // Immutable after init; the mapping is read-only and unmapped in deinit.
    private let mapping: UnsafeRawPointer
    private let mappedLength: Int
    private let dataOffset: Int

    /// Maps the file at `path` and validates its header.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw SafetensorsError.unreadable(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SafetensorsError.unreadable(path, String(cString: strerror(errno)))
        }
        let fileLength = Int(status.st_size)
        guard fileLength >= 8 else {
            throw SafetensorsError.truncated(path, "\(fileLength) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, fileLength, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw SafetensorsError.unreadable(path, String(cString: strerror(errno)))
        }
        let base = UnsafeRawPointer(mapped)
        do {
            let parsed = try Self.parseHeader(base, fileLength: fileLength, path: path)
            entries = parsed.entries
            metadata = parsed.metadata
            dataOffset = parsed.dataOffset
        } catch {
            munmap(mapped, fileLength)
            throw error
        }
        mapping = base
        mappedLength = fileLength
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength)
    }

    /// Drops the mapped pages from this process's resident memory (`madvise(MADV_DONTNEED)`): the file stays
    /// mapped and readable, its pages stay in the page cache, and the next read maps them in again.
    public func releaseMappedPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: mapping), mappedLength, MADV_DONTNEED)
    }

    /// The tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Loads tensor `name` as float32, converting F16, BF16 and F64.
    public func tensor(_ name: String) throws -> Tensor {
        try elements(name).tensor()
    }

    /// Loads rows `indices` (in that order, repeats allowed) of tensor `name` along its first dimension as
    /// float32, converting only those rows: `[indices.count] + shape.dropFirst()`.
    public func rows(_ name: String, _ indices: [Int]) throws -> Tensor {
        let entry = try self.entry(named: name)
        if let bad = indices.first(where: { $0 < 0 || $0 >= entry.shape.first ?? 0 }) {
            throw SafetensorsError.rowOutOfRange(path, tensor: name, row: bad, shape: entry.shape)
        }
        let convert = try converter(entry, name)
        let rowLength = entry.shape.dropFirst().reduce(1, *)
        return Tensor(shape: [indices.count] + entry.shape.dropFirst()) { buffer in
            for (position, row) in indices.enumerated() {
                convert(row * rowLength, rowLength, buffer.baseAddress! + position * rowLength)
            }
        }
    }

    /// Tensor `name`'s elements, converted to float32 range by range on demand; the value keeps the file mapped.
    func elements(_ name: String) throws -> TensorElements {
        let entry = try self.entry(named: name)
        let convert = try converter(entry, name)
        return TensorElements(shape: entry.shape) { first, count, target in
            withExtendedLifetime(self) { convert(first, count, target) }
        }
    }

    private func entry(named name: String) throws -> Entry {
        guard let entry = entries[name] else { throw SafetensorsError.tensorNotFound(path, tensor: name) }
        return entry
    }

    /// Converts `count` elements of `entry` from element `first` on into float32 at the target.
    private func converter(_ entry: Entry, _ name: String) throws -> (
        _ first: Int, _ count: Int, _ target: UnsafeMutablePointer<Float>
    ) -> Void {
        let base = mapping + dataOffset + entry.byteRange.lowerBound
        switch entry.dtype {
        case .float32:
            return { first, count, target in
                UnsafeMutableRawPointer(target).copyMemory(from: base + first * 4, byteCount: count * 4)
            }
        case .float16:
            return { first, count, target in HalfPrecision.widenHalves(base + first * 2, into: target, count: count) }
        case .bfloat16:
            return { first, count, target in
                HalfPrecision.widenBFloat16s(base + first * 2, into: target, count: count)
            }
        case .float64:
            return { first, count, target in
                for index in 0..<count {
                    let offset = (first + index) * 8
                    let bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    target[index] = Float(Double(bitPattern: bits))
                }
            }
        default:
            throw SafetensorsError.notFloatingPoint(path, tensor: name, dtype: entry.dtype.rawValue)
        }
    }

    /// Loads integer tensor `name` (I64, I32, I16, I8, U8) as `Int`s in row-major order.
    public func integers(_ name: String) throws -> [Int] {
        guard let entry = entries[name] else { throw SafetensorsError.tensorNotFound(path, tensor: name) }
        let count = entry.shape.reduce(1, *)
        let source = mapping + dataOffset + entry.byteRange.lowerBound
        switch entry.dtype {
        case .int64:
            return (0..<count).map {
                Int(Int64(littleEndian: source.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)))
            }
        case .int32:
            return (0..<count).map {
                Int(Int32(littleEndian: source.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)))
            }
        case .int16:
            return (0..<count).map {
                Int(Int16(littleEndian: source.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)))
            }
        case .int8:
            return (0..<count).map { Int(source.load(fromByteOffset: $0, as: Int8.self)) }
        case .uint8:
            return (0..<count).map { Int(source.load(fromByteOffset: $0, as: UInt8.self)) }
        default:
            throw SafetensorsError.notInteger(path, tensor: name, dtype: entry.dtype.rawValue)
        }
    }

    private struct Header {
        var entries: [String: Entry]
        var metadata: [String: String]
        var dataOffset: Int
    }

    private static func parseHeader(_ base: UnsafeRawPointer, fileLength: Int, path: String) throws -> Header {
        let declared = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(maximumHeaderLength) else {
            throw SafetensorsError.headerTooLarge(path, length: declared, limit: maximumHeaderLength)
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= fileLength else {
            throw SafetensorsError.truncated(
                path, "the header needs \(headerLength) bytes after the length, the file has \(fileLength - 8)")
        }
        let headerBytes = UnsafeRawBufferPointer(start: base + 8, count: headerLength)
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw SafetensorsError.headerNotUTF8(path)
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw SafetensorsError.headerNotJSON(path, "\(error)")
        }
        guard let object = json as? [String: Any] else {
            throw SafetensorsError.headerNotJSON(path, "top level is not an object")
        }
        let dataLength = fileLength - 8 - headerLength
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw SafetensorsError.invalidEntry(path, tensor: name, "metadata must map strings to strings")
                }
                metadata = strings
                continue
            }
            entries[name] = try parseEntry(value, name: name, dataLength: dataLength, path: path)
        }
        try checkLayout(entries, dataLength: dataLength, path: path)
        return Header(entries: entries, metadata: metadata, dataOffset: 8 + headerLength)
    }

    private static func parseEntry(_ value: Any, name: String, dataLength: Int, path: String) throws -> Entry {
        guard let fields = value as? [String: Any] else {
            throw SafetensorsError.invalidEntry(path, tensor: name, "not an object")
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw SafetensorsError.invalidEntry(path, tensor: name, "missing 'dtype' string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unknownDType(path, tensor: name, dtype: dtypeName)
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw SafetensorsError.invalidEntry(path, tensor: name, "'shape' must be a list of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] >= 0,
            offsets[0] <= offsets[1]
        else {
            throw SafetensorsError.invalidEntry(
                path, tensor: name, "'data_offsets' must be [begin, end] with begin <= end")
        }
        var byteCount = dtype.size
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SafetensorsError.invalidEntry(path, tensor: name, "shape \(shape) overflows") }
            byteCount = product
        }
        guard offsets[1] <= dataLength else {
            throw SafetensorsError.outOfBounds(path, tensor: name, end: offsets[1], available: dataLength)
        }
        guard offsets[1] - offsets[0] == byteCount else {
            throw SafetensorsError.sizeMismatch(
                path, tensor: name, expected: byteCount, actual: offsets[1] - offsets[0])
        }
        return Entry(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
    }

    /// Integers from a JSON array (integral numbers only), or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            guard let integer = element as? Int else { return nil }
            result.append(integer)
        }
        return result
    }

    /// Sorted by start, each range must begin where the previous one ended, and the last must end the data.
    private static func checkLayout(_ entries: [String: Entry], dataLength: Int, path: String) throws {
        let ordered = entries.sorted {
            ($0.value.byteRange.lowerBound, $0.value.byteRange.upperBound, $0.key)
                < ($1.value.byteRange.lowerBound, $1.value.byteRange.upperBound, $1.key)
        }
        var position = 0
        var previous: String?
        for (name, entry) in ordered {
            let range = entry.byteRange
            if range.lowerBound < position, let previous {
                throw SafetensorsError.overlapping(path, tensor: name, other: previous)
            }
            if range.lowerBound > position {
                throw SafetensorsError.unindexedBytes(path, offset: position, length: range.lowerBound - position)
            }
            if !range.isEmpty || previous == nil {
                previous = name
            }
            position = max(position, range.upperBound)
        }
        if position < dataLength {
            throw SafetensorsError.unindexedBytes(path, offset: position, length: dataLength - position)
        }
    }
}
