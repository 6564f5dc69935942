import Foundation

@testable import LocalProvider

/// Writes float32 tensors as a safetensors file, for tests that alter a fixture's weights.
enum SafetensorsWriter {
    static func bytes(_ tensors: [(name: String, tensor: Tensor)]) throws -> [UInt8] {
        var entries: [String: Any] = [:]
        var data: [UInt8] = []
        for (name, tensor) in tensors {
            let bytes = SafetensorsFileTests.floatBytes(tensor.scalars)
            entries[name] = [
                "dtype": "F32", "shape": tensor.shape, "data_offsets": [data.count, data.count + bytes.count],
            ]
            data += bytes
        }
        let header = try JSONSerialization.data(withJSONObject: entries)
        return SafetensorsFileTests.file(header: Array(header), data: data)
    }

    /// Rewrites the safetensors file at `path`, renaming tensors through `rename` (nil drops a tensor).
    static func rewrite(_ path: String, rename: (String) -> String?) throws {
        let file = try SafetensorsFile(path: path)
        let tensors = try file.names.compactMap { name in try rename(name).map { ($0, try file.tensor(name)) } }
        try Data(bytes(tensors)).write(to: URL(fileURLWithPath: path))
    }
}
