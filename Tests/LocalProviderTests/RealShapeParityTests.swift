import Foundation
import Testing

@testable import LocalProvider

/// Parity at SD 1.4/1.5's real shapes on random weights; opt-in because the model is 4 GB and not committed
/// (made by scripts/fixtures/make_real_shape_reference.py, folder given in LOCAL_ENGINE_REAL_SHAPE_DIR).
@Suite struct RealShapeParityTests {
    static let folder = ProcessInfo.processInfo.environment["LOCAL_ENGINE_REAL_SHAPE_DIR"]

    @Test(.enabled(if: folder != nil, "set LOCAL_ENGINE_REAL_SHAPE_DIR to run"))
    func matchesDiffusersAtStableDiffusion1Shapes() throws {
        let folder = try #require(Self.folder)
        let checkpoint = try StableDiffusionCheckpoint.load(path: folder)
        #expect(checkpoint.unet.config.blockOutChannels == [320, 640, 1280, 1280])
        let reference = try SafetensorsFile(path: "\(folder)/reference.safetensors")
        let hidden = try checkpoint.textEncoder.forward(tokenIDs: [try reference.integers("ids")])
        let noise = try checkpoint.unet.forward(
            latents: reference.tensor("latents"), timestep: 981, context: reference.tensor("context"))
        let image = try checkpoint.vaeDecoder.decode(reference.tensor("vae_latents"))
        let errors = [
            "text encoder": Fixtures.relativeError(hidden, try reference.tensor("hidden")),
            "unet": Fixtures.relativeError(noise, try reference.tensor("noise")),
            "vae decoder": Fixtures.relativeError(image, try reference.tensor("image")),
        ]
        for (component, error) in errors.sorted(by: { $0.key < $1.key }) {
            print("parity sd15-shapes \(component): \(error)")
            #expect(error < ModelParityTests.tolerance, "\(component): relative error \(error)")
        }
    }
}
