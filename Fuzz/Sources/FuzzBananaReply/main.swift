import FuzzSupport
import Providers

// The banana reply parser: a reply body read as JSON, its model outputs (a v4 reply's `modelOutputs`, or the
// direct-style reply itself) and the base64 image in them, checked against the request's size and byte cap.

let request = GenerationRequest(prompt: "fuzz", width: 64, height: 64, seed: 1)
let imageField = ModelInputMapping.stableDiffusionTemplate.imageOutput

Fuzzer.run { input in
    guard let reply = ProviderJSON.parse(input) else { return }
    _ = reply["message"]?.stringValue?.lowercased()
    _ = reply["callID"]?.stringValue
    let outputs = reply["modelOutputs"] ?? reply
    _ = try? BananaProvider.image(
        fromOutputs: outputs, request: request, imageField: imageField, maxImageBytes: 1 << 16)
}
