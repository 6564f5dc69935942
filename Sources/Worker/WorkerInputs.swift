import Providers

/// Reads a banana-style `modelInputs` object back into a generation request, refusing what does not fit.
enum WorkerInputs {
    struct InvalidInputs: Error {
        let message: String
    }

    static func request(from inputs: ProviderJSON, mapping: ModelInputMapping) throws -> GenerationRequest {
        guard case .object = inputs else { throw InvalidInputs(message: "model inputs must be a JSON object") }
        guard let prompt = inputs[mapping.prompt]?.stringValue, !prompt.isEmpty else {
            throw InvalidInputs(message: "'\(mapping.prompt)' must be a non-empty string")
        }
        func integer(_ key: String?, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let key, let field = inputs[key] else { return value }
            guard case .integer(let number) = field, let exact = Int(exactly: number), range.contains(exact) else {
                throw InvalidInputs(message: "'\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return exact
        }
        var request = GenerationRequest(
            prompt: prompt,
            negativePrompt: mapping.negativePrompt.flatMap { inputs[$0]?.stringValue } ?? "",
            width: try integer(mapping.width, default: 512, range: 8...4096),
            height: try integer(mapping.height, default: 512, range: 8...4096),
            steps: try integer(mapping.steps, default: 20, range: 1...1000),
            seed: UInt64(try integer(mapping.seed, default: 0, range: 0...Int(Int64.max))))
        if let key = mapping.guidance, let field = inputs[key] {
            guard let guidance = field.doubleValue, guidance.isFinite, (0...100).contains(guidance) else {
                throw InvalidInputs(message: "'\(key)' must be a number in 0...100")
            }
            request.guidance = guidance
        }
        if let key = mapping.scheduler { request.scheduler = inputs[key]?.stringValue }
        return request
    }
}
