import Foundation
import Testing

@testable import LocalProvider

/// The engine's text encoder, UNet and VAE decoder against diffusers' outputs on the same weights and inputs.
@Suite struct ModelParityTests {
    static let tolerance: Float = 1e-4

    enum Layout: String, CaseIterable, Sendable {
        case diffusers, singleFile
    }

    static func load(_ model: String, _ layout: Layout, variant: String? = nil) throws -> StableDiffusionCheckpoint {
        let folder = Fixtures.path("\(model)/diffusers")
        switch layout {
        case .diffusers: return try StableDiffusionCheckpoint.load(path: folder, variant: variant)
        case .singleFile:
            return try StableDiffusionCheckpoint.load(
                path: Fixtures.path("\(model)/single_file.safetensors"), configFolder: folder)
        }
    }

    /// Runs the three models on the reference inputs and returns each output's relative error.
    static func errors(_ checkpoint: StableDiffusionCheckpoint, model: String, suffix: String = "") throws
        -> [String: Float]
    {
        let reference = try SafetensorsFile(path: Fixtures.path("\(model)/reference.safetensors"))
        let ids = try reference.integers("text_input_ids")
        let rows = ids.count / 77
        let hidden = try checkpoint.textEncoder.forward(
            tokenIDs: (0..<rows).map { Array(ids[($0 * 77)..<(($0 + 1) * 77)]) })
        let noise = try checkpoint.unet.forward(
            latents: reference.tensor("unet_latents"), timestep: reference.tensor("unet_timestep").scalars[0],
            context: reference.tensor("unet_context"))
        let image = try checkpoint.vaeDecoder.decode(reference.tensor("vae_latents"))
        return [
            "text encoder": Fixtures.relativeError(hidden, try reference.tensor("text_hidden\(suffix)")),
            "unet": Fixtures.relativeError(noise, try reference.tensor("unet_output\(suffix)")),
            "vae decoder": Fixtures.relativeError(image, try reference.tensor("vae_output\(suffix)")),
        ]
    }

    @Test(arguments: Fixtures.models, Layout.allCases)
    func matchesDiffusers(model: String, layout: Layout) throws {
        let errors = try Self.errors(Self.load(model, layout), model: model)
        for (component, error) in errors.sorted(by: { $0.key < $1.key }) {
            print("parity \(model) \(layout.rawValue) \(component): \(error)")
            #expect(error < Self.tolerance, "\(model) \(layout.rawValue) \(component): relative error \(error)")
        }
    }

    /// A guided pair (the same latents twice, two contexts) runs its shared part once (`UNet.forward`); each item
    /// must come out as it does on its own.
    @Test(arguments: Fixtures.models)
    func aGuidedPairMatchesEachItemAlone(model: String) throws {
        let unet = try Self.load(model, .diffusers).unet
        let reference = try SafetensorsFile(path: Fixtures.path("\(model)/reference.safetensors"))
        let latents = try reference.tensor("unet_latents").firstBatchItem()
        let context = try reference.tensor("unet_context")
        try #require(context.shape[0] == 2 && !context.batchItemsAreIdentical)
        let timestep = try reference.tensor("unet_timestep").scalars[0]
        let pair = try unet.forward(latents: latents.repeatingBatch(2), timestep: timestep, context: context)
        #expect(pair.shape == [2] + latents.shape.dropFirst())
        let itemSize = context.count / 2
        for item in 0..<2 {
            let alone = try unet.forward(
                latents: latents, timestep: timestep,
                context: Tensor(
                    shape: [1] + context.shape.dropFirst(),
                    scalars: Array(context.scalars[(item * itemSize)..<((item + 1) * itemSize)])))
            let fromPair = Tensor(
                shape: alone.shape, scalars: Array(pair.scalars[(item * alone.count)..<((item + 1) * alone.count)]))
            // Float rounding apart: the products after the split have other shapes than one item's alone.
            #expect(Fixtures.relativeError(fromPair, alone) < 1e-5, "\(model) item \(item)")
        }
    }

    @Test(arguments: ["fp16", "bf16"])
    func halfPrecisionWeightsMatchWideningInPython(variant: String) throws {
        let errors = try Self.errors(
            Self.load("small", .diffusers, variant: variant), model: "small", suffix: "_\(variant)")
        for (component, error) in errors.sorted(by: { $0.key < $1.key }) {
            print("parity small \(variant) \(component): \(error)")
            #expect(error < Self.tolerance, "\(variant) \(component): relative error \(error)")
        }
    }
}
