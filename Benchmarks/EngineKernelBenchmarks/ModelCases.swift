import LocalProvider

/// Whole model calls on a checkpoint folder (diffusers layout, SD 1.x shapes): one UNet evaluation with batch 2
/// at 512x512 (64x64 latents), one VAE decode of a 64x64 latent, the text encoding of two prompts.
enum ModelCases {
    static func all(checkpointFolder: String) throws -> [Benchmark] {
        let checkpoint = try StableDiffusionCheckpoint.load(path: checkpointFolder)
        var random = RandomTensors()
        let latents = random.tensor([2, 4, 64, 64])
        let context = random.tensor([2, 77, 768])
        let vaeLatents = random.tensor([1, 4, 64, 64])
        let ids = (0..<2).map { prompt in [49406] + (1..<77).map { ($0 * 37 + prompt * 11) % 49000 } }
        return [
            Benchmark(name: "text-encoder-2x77") { try checkpoint.textEncoder.forward(tokenIDs: ids) },
            Benchmark(name: "unet-b2-64x64") {
                try checkpoint.unet.forward(latents: latents, timestep: 981, context: context)
            },
            Benchmark(name: "vae-decode-64x64") { try checkpoint.vaeDecoder.decode(vaeLatents) },
        ]
    }
}
