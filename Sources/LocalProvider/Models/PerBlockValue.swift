/// A config value given either once for all blocks or once per block (`attention_head_dim: 8` or `[5, 10, 20]`).
enum PerBlockValue: Decodable, Sendable, Equatable {
    case shared(Int)
    case perBlock([Int])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .shared(value)
        } else {
            self = .perBlock(try container.decode([Int].self))
        }
    }

    /// The values for `count` blocks; a per-block list must have exactly `count` entries.
    func values(count: Int, name: String) throws -> [Int] {
        switch self {
        case .shared(let value): return Array(repeating: value, count: count)
        case .perBlock(let values):
            guard values.count == count else {
                throw CheckpointError.invalidConfig("\(name) lists \(values.count) values for \(count) blocks")
            }
            return values
        }
    }
}
