import Foundation
import Testing

@testable import LocalProvider

@Suite struct CheckpointLoadingTests {
    @Test func readsTheArchitectureFromTheConfigs() throws {
        let checkpoint = try StableDiffusionCheckpoint.load(path: Fixtures.path("deeper/diffusers"))
        #expect(checkpoint.unet.config.blockOutChannels == [8, 16, 24])
        #expect(checkpoint.unet.config.attentionHeads == [2, 2, 4])
        #expect(checkpoint.unet.config.transformerLayers == [1, 2, 1])
        #expect(checkpoint.unet.config.downBlockHasAttention == [true, true, false])
        #expect(checkpoint.textEncoder.config.numHiddenLayers == 3)
        #expect(checkpoint.vaeDecoder.config.scalingFactor == 0.182_15)
        #expect(checkpoint.tokenizer == nil)
    }

    @Test func namesTheKeyAndShapeWhenTheConfigDoesNotMatchTheWeights() throws {
        do {
            _ = try StableDiffusionCheckpoint.load(
                path: Fixtures.path("small/single_file.safetensors"), configFolder: Fixtures.path("deeper/diffusers"))
            Issue.record("a mismatched config loaded")
        } catch let error as CheckpointError {
            #expect(error.reason == "checkpoint_shape_mismatch" || error.reason == "checkpoint_missing_tensor")
            #expect(error.message.contains("'"), "\(error)")
            #expect(error.message.contains("["), "\(error)")
        }
    }

    @Test func namesAMissingTensor() throws {
        let folder = try ScratchFolder()
        let source = Fixtures.path("small/diffusers")
        try FileManager.default.copyItem(atPath: source, toPath: "\(folder.path)/model")
        try SafetensorsWriter.rewrite("\(folder.path)/model/unet/diffusion_pytorch_model.safetensors") {
            $0 == "conv_out.bias" ? nil : $0
        }
        do {
            _ = try StableDiffusionCheckpoint.load(path: "\(folder.path)/model")
            Issue.record("a checkpoint without conv_out.bias loaded")
        } catch let error as CheckpointError {
            #expect(error.reason == "checkpoint_missing_tensor")
            #expect(error.message.contains("'conv_out.bias' of shape [4]"), "\(error)")
        }
    }

    @Test func acceptsTheOlderVAEAttentionNames() throws {
        let folder = try ScratchFolder()
        try FileManager.default.copyItem(atPath: Fixtures.path("small/diffusers"), toPath: "\(folder.path)/model")
        let old = ["to_q": "query", "to_k": "key", "to_v": "value", "to_out.0": "proj_attn"]
        try SafetensorsWriter.rewrite("\(folder.path)/model/vae/diffusion_pytorch_model.safetensors") { name in
            var renamed = name
            for (current, legacy) in old {
                renamed = renamed.replacingOccurrences(of: ".\(current).", with: ".\(legacy).")
            }
            return renamed
        }
        let rewritten = try SafetensorsFile(path: "\(folder.path)/model/vae/diffusion_pytorch_model.safetensors")
        #expect(rewritten.entries["decoder.mid_block.attentions.0.query.weight"] != nil)
        #expect(rewritten.entries["decoder.mid_block.attentions.0.to_q.weight"] == nil)
        let legacy = try StableDiffusionCheckpoint.load(path: "\(folder.path)/model")
        let current = try StableDiffusionCheckpoint.load(path: Fixtures.path("small/diffusers"))
        let latents = try SafetensorsFile(path: Fixtures.path("small/reference.safetensors")).tensor("vae_latents")
        #expect(try legacy.vaeDecoder.decode(latents) == current.vaeDecoder.decode(latents))
    }

    @Test func linearProjectionsGiveTheSameUNetAsPointwiseConvolutions() throws {
        let folder = try ScratchFolder()
        try FileManager.default.copyItem(atPath: Fixtures.path("small/diffusers"), toPath: "\(folder.path)/model")
        let configPath = "\(folder.path)/model/unet/config.json"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        #expect(config.contains("\"use_linear_projection\": false"))
        let linear = config.replacingOccurrences(
            of: "\"use_linear_projection\": false", with: "\"use_linear_projection\": true")
        _ = try folder.write("model/unet/config.json", Array(linear.utf8))
        // proj_in/proj_out weights are [C, C, 1, 1]; the linear layers accept them as [C, C].
        let checkpoint = try StableDiffusionCheckpoint.load(path: "\(folder.path)/model")
        #expect(checkpoint.unet.config.useLinearProjection)
        let reference = try SafetensorsFile(path: Fixtures.path("small/reference.safetensors"))
        let noise = try checkpoint.unet.forward(
            latents: reference.tensor("unet_latents"), timestep: reference.tensor("unet_timestep").scalars[0],
            context: reference.tensor("unet_context"))
        #expect(Fixtures.relativeError(noise, try reference.tensor("unet_output")) < ModelParityTests.tolerance)
    }

    @Test(arguments: [
        ("attention_head_dim", "[2]", "checkpoint_invalid_config"),
        ("norm_num_groups", "0", "checkpoint_invalid_config"),
        ("transformer_layers_per_block", "-1", "checkpoint_invalid_config"),
        ("block_out_channels", "[]", "checkpoint_invalid_config"),
        ("down_block_types", "[\"SimpleCrossAttnDownBlock2D\", \"DownBlock2D\"]", "checkpoint_unsupported_model"),
        ("class_embed_type", "\"timestep\"", "checkpoint_unsupported_model"),
    ])
    func refusesBadUNetConfigs(key: String, value: String, reason: String) throws {
        let folder = try ScratchFolder()
        try FileManager.default.copyItem(atPath: Fixtures.path("small/diffusers"), toPath: "\(folder.path)/model")
        let configPath = "\(folder.path)/model/unet/config.json"
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        let line = try #require(config.split(separator: "\n").first { $0.contains("\"\(key)\"") })
        let replacement = "  \"\(key)\": \(value)" + (line.hasSuffix(",") ? "," : "")
        if line.hasSuffix("[") {
            let start = try #require(config.range(of: String(line)))
            let end = try #require(config.range(of: "]", range: start.upperBound..<config.endIndex))
            config.replaceSubrange(start.lowerBound..<end.upperBound, with: "  \"\(key)\": \(value)")
        } else {
            config = config.replacingOccurrences(of: String(line), with: replacement)
        }
        _ = try folder.write("model/unet/config.json", Array(config.utf8))
        do {
            _ = try StableDiffusionCheckpoint.load(path: "\(folder.path)/model")
            Issue.record("\(key) = \(value) was accepted")
        } catch let error as CheckpointError {
            #expect(error.reason == reason, "\(error)")
        }
    }

    @Test func refusesMissingFilesAndVariants() {
        #expect(throws: CheckpointError.self) { try StableDiffusionCheckpoint.load(path: "/nonexistent/model") }
        #expect(throws: CheckpointError.self) {
            try StableDiffusionCheckpoint.load(path: Fixtures.path("deeper/diffusers"), variant: "fp16")
        }
    }

    @Test func refusesInputsOfTheWrongShape() throws {
        let checkpoint = try StableDiffusionCheckpoint.load(path: Fixtures.path("small/diffusers"))
        let context = Tensor(shape: [1, 77, 16])
        #expect(throws: ModelInputError.self) {
            try checkpoint.unet.forward(latents: Tensor(shape: [1, 4, 5, 8]), timestep: 1, context: context)
        }
        #expect(throws: ModelInputError.self) {
            try checkpoint.unet.forward(
                latents: Tensor(shape: [1, 4, 8, 8]), timestep: 1, context: Tensor(shape: [1, 77, 8]))
        }
        #expect(throws: ModelInputError.self) { try checkpoint.vaeDecoder.decode(Tensor(shape: [1, 3, 8, 8])) }
        #expect(throws: ModelInputError.self) { try checkpoint.textEncoder.forward(tokenIDs: [[0, 1_000_000]]) }
        #expect(throws: ModelInputError.self) {
            try checkpoint.textEncoder.forward(tokenIDs: [Array(repeating: 0, count: 78)])
        }
    }
}
