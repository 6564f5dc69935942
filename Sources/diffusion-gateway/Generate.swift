import ArgumentParser
import Foundation
import LocalProvider

/// `generate`: one image from the local engine, straight to a PNG file, with a progress bar.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate one image with the local Stable Diffusion engine.",
        discussion: """
            MODEL is a diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/) or a \
            single .safetensors checkpoint with the original key names (then --config-folder gives the configs, or \
            SD 1.x defaults are used with --tokenizer). The same seed gives the same image as diffusers on CPU.
            """)

    @Option(name: .long, help: ArgumentHelp("Diffusers folder or single .safetensors file.", valueName: "path"))
    var model: String

    @Option(help: "Diffusers folder with configs, tokenizer and scheduler, for a single-file checkpoint.")
    var configFolder: String?

    @Option(help: "CLIP tokenizer: bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json and merges.txt.")
    var tokenizer: String?

    @Option(help: "Weight file variant of a diffusers folder, e.g. fp16.")
    var variant: String?

    @Option(help: "What to draw.")
    var prompt: String

    @Option(help: "What to steer away from.")
    var negativePrompt = ""

    @Option(help: "Seed of torch.Generator(\"cpu\").manual_seed; random when omitted.")
    var seed: UInt64?

    @Option(help: "Denoising steps.")
    var steps = 20

    @Option(help: "Classifier-free guidance scale (1 turns guidance off).")
    var guidance: Float = 7.5

    @Option(help: "One of: \(SchedulerName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scheduler = SchedulerName.pndm.rawValue

    @Option(help: "Image width in pixels (a multiple of 8; SD 1.x models need multiples of 64).")
    var width = 512

    @Option(help: "Image height in pixels.")
    var height = 512

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the PNG.", valueName: "file.png"))
    var output: String

    func validate() throws {
        guard SchedulerName(rawValue: scheduler) != nil else {
            throw ValidationError(
                "unknown scheduler '\(scheduler)'; use one of \(SchedulerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard width % 8 == 0, height % 8 == 0, width > 0, height > 0 else {
            throw ValidationError("--width and --height must be positive multiples of 8")
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let loadStart = clock.now
        let pipeline = try StableDiffusionPipeline.load(
            path: model, configFolder: configFolder, variant: variant, tokenizerPath: tokenizer)
        let loading = clock.now - loadStart
        let seed = seed ?? UInt64.random(in: 0..<(1 << 53))
        let request = TextToImageRequest(
            prompt: prompt, negativePrompt: negativePrompt, width: width, height: height, steps: steps,
            guidance: guidance, seed: seed, scheduler: SchedulerName(rawValue: scheduler) ?? .pndm)
        let bar = ProgressBar()
        let image = try pipeline.generate(request, progress: bar.update)
        bar.finish()
        let png = try PNGEncoder.encode(rgb: image.rgb, width: image.width, height: image.height)
        try Data(png).write(to: URL(fileURLWithPath: output))
        let timings = image.timings
        print("wrote \(output) (\(width)x\(height), seed \(seed), scheduler \(scheduler))")
        print("load \(Self.format(loading)) | text encoder \(Self.format(timings.textEncoding)) | "
            + "denoising \(Self.format(timings.denoising)) (\(timings.unetEvaluations) UNet evaluations) | "
            + "VAE decode \(Self.format(timings.decoding))")
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.2f s", seconds)
    }
}

/// A one-line progress bar on standard error, redrawn in place.
final class ProgressBar {
    private let width = 30

    func update(_ step: Int, _ total: Int) {
        let filled = total > 0 ? width * step / total : width
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] step \(step)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
