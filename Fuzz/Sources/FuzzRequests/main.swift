import FuzzSupport
import Gateway
import Providers

// The JSON request decoders of the HTTP API, as the routes run them: the body of `POST /v1/generations` and of
// OpenAI's `POST /v1/images/generations`, then validation against a tier's limits. The first byte picks the
// route and the tier; the rest is the body.

let tiers = [
    QuotaLimits(),
    QuotaLimits(maxSteps: 30, maxWidth: 768, maxHeight: 768, maxPromptLength: 300, allowedSchedulers: ["ddim"]),
    QuotaLimits(maxSteps: 0, maxWidth: 0, maxHeight: 64, maxPromptLength: 0, allowedSchedulers: []),
]
let chain = ["local", "banana"]

Fuzzer.run { input in
    guard let choice = input.first else { return }
    let body = input.dropFirst()
    let parameters =
        choice & 1 == 0
        ? try? GenerationParameters(generationBody: body) : try? GenerationParameters(imagesBody: body)
    _ = try? parameters?.validated(for: tiers[Int(choice >> 1) % tiers.count], chain: chain) { 42 }
}
