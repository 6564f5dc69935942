import Foundation

/// Reads a model's `config.json` (diffusers or transformers style, snake_case keys).
enum ModelConfig {
    static func decode<Config: Decodable>(_ type: Config.Type, from path: String) throws -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.missingFile(path, "the config file is missing or unreadable")
        }
        return try decode(type, from: data, source: path)
    }

    static func decode<Config: Decodable>(_ type: Config.Type, from data: Data, source: String) throws -> Config {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw CheckpointError.invalidConfig("\(source): \(error)")
        }
    }
}
