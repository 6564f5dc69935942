import Foundation
import Hummingbird
import NIOCore
import Providers

/// The body of `POST /v1/generations` as the caller sent it; `validated(for:)` turns it into a
/// `GenerationRequest` within the caller's tier, naming the parameter at fault.
public struct GenerationParameters: Sendable, Hashable, Codable {
    public var prompt: String?
    public var negativePrompt: String?
    public var width: Int?
    public var height: Int?
    public var steps: Int?
    public var guidance: Double?
    public var seed: UInt64?
    public var scheduler: String?
    /// A provider to try first; it must be in the tier's chain.
    public var provider: String?

    enum CodingKeys: String, CodingKey {
        case prompt
        case negativePrompt = "negative_prompt"
        case width, height, steps, guidance, seed, scheduler, provider
    }

    /// Hard caps that hold whatever a tier says.
    static let maxPromptLength = 4000
    static let maxSide = 2048
    static let maxSteps = 500
    static let guidanceRange = 0.0...50.0

    /// The request to run, or a 400/422 naming the first parameter at fault.
    public func validated(for limits: QuotaLimits, chain: [String], seed chosenSeed: () -> UInt64) throws(GatewayError)
        -> GenerationRequest
    {
        guard let prompt, !prompt.allSatisfy(\.isWhitespace) else {
            throw .invalidParameter("prompt", "`prompt` is required and must not be blank", status: .badRequest)
        }
        let promptCap = min(limits.maxPromptLength ?? Self.maxPromptLength, Self.maxPromptLength)
        guard prompt.count <= promptCap else {
            throw .invalidParameter("prompt", "`prompt` is longer than \(promptCap) characters")
        }
        let negative = negativePrompt ?? ""
        guard negative.count <= promptCap else {
            throw .invalidParameter("negative_prompt", "`negative_prompt` is longer than \(promptCap) characters")
        }
        let maxWidth = min(limits.maxWidth ?? Self.maxSide, Self.maxSide)
        let maxHeight = min(limits.maxHeight ?? Self.maxSide, Self.maxSide)
        let width = try Self.side(width, name: "width", maximum: maxWidth)
        let height = try Self.side(height, name: "height", maximum: maxHeight)
        let maxSteps = min(limits.maxSteps ?? Self.maxSteps, Self.maxSteps)
        let steps = self.steps ?? min(20, maxSteps)
        guard (1...max(1, maxSteps)).contains(steps), maxSteps > 0 else {
            throw .invalidParameter("steps", "`steps` must be between 1 and \(maxSteps) for your tier")
        }
        let guidance = self.guidance ?? 7.5
        guard guidance.isFinite, Self.guidanceRange.contains(guidance) else {
            throw .invalidParameter(
                "guidance",
                "`guidance` must be between \(Self.guidanceRange.lowerBound) and \(Self.guidanceRange.upperBound)")
        }
        if let scheduler {
            if let allowed = limits.allowedSchedulers, !allowed.contains(scheduler) {
                throw .invalidParameter(
                    "scheduler", "`scheduler` must be one of: \(allowed.sorted().joined(separator: ", "))")
            }
            guard (1...64).contains(scheduler.utf8.count) else {
                throw .invalidParameter("scheduler", "`scheduler` must be 1 to 64 characters")
            }
        }
        if let provider, !chain.contains(provider) {
            throw .invalidParameter(
                "provider", "`provider` must be one of your tier's providers: \(chain.joined(separator: ", "))")
        }
        return GenerationRequest(
            prompt: prompt, negativePrompt: negative, width: width, height: height, steps: steps, guidance: guidance,
            seed: seed ?? chosenSeed(), scheduler: scheduler)
    }

    private static func side(_ value: Int?, name: String, maximum: Int) throws(GatewayError) -> Int {
        let value = value ?? min(512, maximum)
        guard value >= 64, value <= maximum, value % 8 == 0 else {
            throw .invalidParameter(name, "`\(name)` must be a multiple of 8 between 64 and \(maximum) for your tier")
        }
        return value
    }

    /// A stable fingerprint of what the caller sent, to tell an idempotent retry from a different request.
    var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = (try? encoder.encode(self)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Decodes the parameters from a JSON body; a malformed body or a value of the wrong type is a 400 that names
    /// the parameter.
    static func decode(_ request: Request, context: GatewayRequestContext) async throws -> GenerationParameters {
        try GenerationParameters(generationBody: try await jsonBody(request, context: context).readableBytesView)
    }
}

/// A JSON body collected under the context's size cap: a 415 for another media type, a 413 past the cap.
func jsonBody(_ request: Request, context: GatewayRequestContext) async throws -> ByteBuffer {
    if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
        throw GatewayError.unsupportedMediaType()
    }
    do {
        return try await request.body.collect(upTo: context.maxUploadSize)
    } catch is NIOTooManyBytesError {
        throw GatewayError.bodyTooLarge(limit: context.maxUploadSize)
    }
}

/// Decodes a JSON body, turning every decoding failure into a 400 for the caller.
func decodeJSON<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws(GatewayError) -> Value
{
    do {
        return try JSONDecoder().decode(Value.self, from: Data(bytes))
    } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
        let name = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw GatewayError.invalidParameter(name, "`\(name)` has the wrong type", status: .badRequest)
    } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
        let name = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw GatewayError.invalidParameter(name, "`\(name)` is out of range or malformed", status: .badRequest)
    } catch {
        throw GatewayError.invalidJSON("the body must be a JSON object")
    }
}
