// One txt2img generation with the local engine, timed per stage, for scripts/bench-engine.sh (release build).
// Prints one JSON object; the script measures the process's peak RSS around it and compares with diffusers.
//
//   EngineBenchmarks --model DIR [--variant fp16] [--residency mapped|resident] [--size 512] [--steps 20]
//                    [--seed 0] [--prompt TEXT] [--negative-prompt TEXT] [--rgb-out FILE]
import Foundation
import LocalProvider

AllocatorTuning.keepLargeFreedBlocks()
let clock = ContinuousClock()
let processStart = clock.now

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("EngineBenchmarks: \(message)\n".utf8))
    exit(2)
}

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard name.hasPrefix("--"), let value = arguments.popFirst() else { fail("expected --name value, got \(name)") }
    options[String(name.dropFirst(2))] = value
}
guard let model = options["model"] else { fail("--model DIR is required") }
guard let residency = WeightResidency(rawValue: options["residency"] ?? "mapped") else {
    fail("--residency must be one of \(WeightResidency.allCases.map(\.rawValue))")
}
guard let size = Int(options["size"] ?? "512"), let steps = Int(options["steps"] ?? "20"),
    let seed = UInt64(options["seed"] ?? "0")
else { fail("--size, --steps and --seed take integers") }

/// Loads and generates on a serial dispatch queue's thread, as the gateway's local provider does (not on the main
/// thread: glibc serves large blocks differently in the main thread's arena).
@Sendable func run(
    model: String, residency: WeightResidency, options: [String: String], size: Int, steps: Int, seed: UInt64
) {
    do {
        let loadStart = clock.now
        let pipeline = try StableDiffusionPipeline.load(path: model, variant: options["variant"], residency: residency)
        let loading = clock.now - loadStart
        let request = TextToImageRequest(
            prompt: options["prompt"] ?? "a watercolor lighthouse at dusk",
            negativePrompt: options["negative-prompt"] ?? "", width: size, height: size, steps: steps, seed: seed,
            scheduler: .pndm)
        var stepEnds: [ContinuousClock.Instant] = []
        let generateStart = clock.now
        let image = try pipeline.generate(request, progress: { _, _ in stepEnds.append(clock.now) })
        let timings = image.timings
        // The first UNet evaluation starts once the prompts are encoded (drawing the latents takes microseconds).
        let firstStepStart = generateStart + timings.textEncoding
        let stepTimes = zip([firstStepStart] + stepEnds.dropLast(), stepEnds).map { seconds($1 - $0) }
        if let path = options["rgb-out"] {
            try Data(image.rgb).write(to: URL(fileURLWithPath: path))
        }
        let report: [String: Any] = [
            "engine": "swift", "residency": residency.rawValue, "size": size, "steps": steps,
            "load_s": seconds(loading),
            "startup_to_first_step_s": seconds(firstStepStart - processStart),
            "text_encoding_s": seconds(timings.textEncoding),
            "unet_evaluations": timings.unetEvaluations,
            "unet_step_s": stepTimes,
            "denoising_s": seconds(timings.denoising),
            "vae_decode_s": seconds(timings.decoding),
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    } catch {
        fail("\(error)")
    }
}

let finished = DispatchSemaphore(value: 0)
DispatchQueue(label: "engine-benchmark").async { [options] in
    run(model: model, residency: residency, options: options, size: size, steps: steps, seed: seed)
    finished.signal()
}
finished.wait()
