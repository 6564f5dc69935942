import Foundation
import FuzzSupport
import LocalProvider

// The safetensors header reader: the input is a whole file, opened (mapped) as the engine opens weights; when
// its header validates, every tensor is read, which must stay inside the mapping.

let path = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(getpid()).safetensors").path

Fuzzer.run { input in
    guard FileManager.default.createFile(atPath: path, contents: Data(input)),
        let file = try? SafetensorsFile(path: path)
    else { return }
    for name in file.names {
        _ = try? file.tensor(name)
        _ = try? file.integers(name)
    }
}
