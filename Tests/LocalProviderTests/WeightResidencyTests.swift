import Foundation
import Testing

@testable import LocalProvider

/// Weights kept in the memory-mapped files and converted per block on use give exactly what weights
/// converted once at load give, from float32 and float16 files alike.
@Suite struct WeightResidencyTests {
    struct Outputs: Equatable {
        var hidden: Tensor
        var noise: Tensor
        var image: Tensor
    }

    /// The three networks on the fixture's reference inputs.
    static func outputs(_ checkpoint: StableDiffusionCheckpoint, model: String) throws -> Outputs {
        let reference = try SafetensorsFile(path: Fixtures.path("\(model)/reference.safetensors"))
        let ids = try reference.integers("text_input_ids")
        let hidden = try checkpoint.textEncoder.forward(
            tokenIDs: (0..<ids.count / 77).map { Array(ids[($0 * 77)..<(($0 + 1) * 77)]) })
        let noise = try checkpoint.unet.forward(
            latents: reference.tensor("unet_latents"), timestep: reference.tensor("unet_timestep").scalars[0],
            context: reference.tensor("unet_context"))
        let image = try checkpoint.vaeDecoder.decode(reference.tensor("vae_latents"))
        return Outputs(hidden: hidden, noise: noise, image: image)
    }

    @Test(arguments: [("small", "fp16"), ("small", nil), ("deeper", nil)] as [(String, String?)])
    func mappedWeightsGiveTheResidentOutputs(model: String, variant: String?) throws {
        let folder = Fixtures.path("\(model)/diffusers")
        let resident = try StableDiffusionCheckpoint.load(path: folder, variant: variant, residency: .resident)
        let mapped = try StableDiffusionCheckpoint.load(path: folder, variant: variant, residency: .mapped)
        #expect(try Self.outputs(mapped, model: model) == Self.outputs(resident, model: model))
    }

    @Test func singleFileMappedWeightsGiveTheResidentOutputs() throws {
        let file = Fixtures.path("small/single_file.safetensors")
        let configFolder = Fixtures.path("small/diffusers")
        let resident = try StableDiffusionCheckpoint.load(path: file, configFolder: configFolder, residency: .resident)
        let mapped = try StableDiffusionCheckpoint.load(path: file, configFolder: configFolder, residency: .mapped)
        #expect(try Self.outputs(mapped, model: "small") == Self.outputs(resident, model: "small"))
    }

    @Test func releasedPagesAreMappedAgainOnTheNextForwardCall() throws {
        let checkpoint = try StableDiffusionCheckpoint.load(
            path: Fixtures.path("small/diffusers"), variant: "fp16", residency: .mapped)
        let first = try Self.outputs(checkpoint, model: "small")
        checkpoint.textEncoder.releaseMappedPages()
        checkpoint.unet.releaseMappedPages()
        checkpoint.vaeDecoder.releaseMappedPages()
        #expect(try Self.outputs(checkpoint, model: "small") == first)
    }

    @Test(arguments: WeightResidency.allCases)
    func bothResidenciesCheckShapesAtLoad(residency: WeightResidency) throws {
        let folder = try ScratchFolder()
        try FileManager.default.copyItem(atPath: Fixtures.path("small/diffusers"), toPath: "\(folder.path)/model")
        let configPath = "\(folder.path)/model/unet/config.json"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        let narrower = config.replacingOccurrences(
            of: "\"cross_attention_dim\": 16", with: "\"cross_attention_dim\": 12")
        _ = try folder.write("model/unet/config.json", Array(narrower.utf8))
        do {
            _ = try StableDiffusionCheckpoint.load(path: "\(folder.path)/model", residency: residency)
            Issue.record("a UNet whose cross-attention width disagrees with its weights was accepted")
        } catch let error as CheckpointError {
            #expect(error.reason == "checkpoint_shape_mismatch", "\(error)")
        }
    }

    /// In one call and in runs of 37 (whole vectors and tails), read from an odd address.
    @Test(arguments: [1 << 16, 37]) func bulkHalfWideningMatchesTheScalarOneForEveryBitPattern(runLength: Int) {
        // Every bit pattern's two bytes after one byte of padding.
        let bytes: [UInt8] = [0] + (0...UInt16.max).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let count = 1 << 16
        var widened = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { source in
            widened.withUnsafeMutableBufferPointer { target in
                for first in stride(from: 0, to: count, by: runLength) {
                    HalfPrecision.widenHalves(
                        source.baseAddress! + 1 + first * 2, into: target.baseAddress! + first,
                        count: min(runLength, count - first))
                }
            }
        }
        let mismatches = (0..<count).filter {
            widened[$0].bitPattern != HalfPrecision.float(fromHalfBits: UInt16($0)).bitPattern
        }
        #expect(mismatches.isEmpty, "first differing bit patterns: \(mismatches.prefix(5))")
    }

    @Test func bulkBFloat16WideningMatchesTheScalarOne() {
        let values = (0...UInt16.max).map { $0.littleEndian }
        var widened = [Float](repeating: 0, count: values.count)
        values.withUnsafeBytes { source in
            widened.withUnsafeMutableBufferPointer { target in
                HalfPrecision.widenBFloat16s(source.baseAddress!, into: target.baseAddress!, count: values.count)
            }
        }
        #expect(
            values.indices.allSatisfy {
                widened[$0].bitPattern == HalfPrecision.float(fromBFloat16Bits: UInt16($0)).bitPattern
            })
    }
}
