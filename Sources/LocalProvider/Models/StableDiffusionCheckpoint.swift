import Foundation

/// A loaded SD 1.x model: text encoder, UNet, VAE decoder and, when the checkpoint carries one, its tokenizer.
///
/// Loads either a diffusers folder (`model_index.json`, `text_encoder/`, `unet/`, `vae/`, `tokenizer/`, each
/// component's `config.json` and `*.safetensors`) or an original single-file `.safetensors` checkpoint.
/// Half-precision weights (F16, BF16) are widened to float32 when converted: once at load (`.resident`), or
/// block by block on use from the memory-mapped files (`.mapped`, the default; the text encoder's layers are
/// converted at load in both, see `WeightResidency`).
public struct StableDiffusionCheckpoint: Sendable {
    public let textEncoder: CLIPTextEncoder
    public let unet: UNet
    public let vaeDecoder: VAEDecoder
    /// The tokenizer from the folder's `tokenizer/` (or the config folder's, for a single file); nil when absent.
    public let tokenizer: CLIPTokenizer?

    /// Loads the checkpoint at `path`.
    ///
    /// - Parameters:
    ///   - path: a diffusers folder, or a single-file original checkpoint (`.safetensors`).
    ///   - variant: the weight file variant of a diffusers folder (`"fp16"` reads
    ///     `diffusion_pytorch_model.fp16.safetensors`); nil prefers the plain files.
    ///   - configFolder: for a single file, a diffusers folder of the same architecture whose `config.json` files
    ///     (and `tokenizer/`) are used; nil means SD 1.4/1.5's architecture and no tokenizer.
    ///   - residency: whether weights are converted to float32 once at load or per block on use.
    public static func load(
        path: String, variant: String? = nil, configFolder: String? = nil, residency: WeightResidency = .mapped
    ) throws -> StableDiffusionCheckpoint {
        AllocatorTuning.keepLargeFreedBlocks()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.missingFile(path, "no such file or folder")
        }
        if isDirectory.boolValue {
            return try loadDiffusersFolder(path, variant: variant, residency: residency)
        }
        return try loadSingleFile(path, configFolder: configFolder, residency: residency)
    }

    private static func loadDiffusersFolder(_ folder: String, variant: String?, residency: WeightResidency) throws
        -> StableDiffusionCheckpoint
    {
        guard FileManager.default.fileExists(atPath: "\(folder)/model_index.json") else {
            throw CheckpointError.missingFile(folder, "no model_index.json: not a diffusers folder")
        }
        let textConfig = try ModelConfig.decode(CLIPTextConfig.self, from: "\(folder)/text_encoder/config.json")
        let unetConfig = try UNetConfig.load(path: "\(folder)/unet/config.json")
        let vaeConfig = try VAEConfig.load(path: "\(folder)/vae/config.json")
        func weights(_ component: String, _ base: String, _ residency: WeightResidency) throws -> WeightLoader {
            let file = try SafetensorsFile(path: weightFile(in: "\(folder)/\(component)", base: base, variant: variant))
            return WeightLoader(store: file, component: component, residency: residency)
        }
        return StableDiffusionCheckpoint(
            textEncoder: try CLIPTextEncoder(weights: weights("text_encoder", "model", .resident), config: textConfig),
            unet: try UNet(weights: weights("unet", "diffusion_pytorch_model", residency), config: unetConfig),
            vaeDecoder: try VAEDecoder(
                weights: weights("vae", "diffusion_pytorch_model", residency), config: vaeConfig),
            tokenizer: try tokenizer(in: folder))
    }

    private static func loadSingleFile(_ path: String, configFolder: String?, residency: WeightResidency) throws
        -> StableDiffusionCheckpoint
    {
        let textConfig =
            try configFolder.map {
                try ModelConfig.decode(CLIPTextConfig.self, from: "\($0)/text_encoder/config.json")
            } ?? .stableDiffusion1
        let unetConfig =
            try configFolder.map { try UNetConfig.load(path: "\($0)/unet/config.json") } ?? .stableDiffusion1
        let vaeConfig = try configFolder.map { try VAEConfig.load(path: "\($0)/vae/config.json") } ?? .stableDiffusion1
        let file = try SafetensorsFile(path: path)
        let keys = OriginalCheckpointKeys(unet: unetConfig, vae: vaeConfig)
        let names = Array(file.entries.keys)
        func weights(_ component: String, _ renamed: [String: String], _ residency: WeightResidency) -> WeightLoader {
            WeightLoader(
                store: RenamedTensorStore(base: file, names: renamed), component: component, residency: residency)
        }
        return StableDiffusionCheckpoint(
            textEncoder: try CLIPTextEncoder(
                weights: weights("text_encoder", keys.textEncoderNames(names), .resident), config: textConfig),
            unet: try UNet(weights: weights("unet", keys.unetNames(names), residency), config: unetConfig),
            vaeDecoder: try VAEDecoder(weights: weights("vae", keys.vaeNames(names), residency), config: vaeConfig),
            tokenizer: try configFolder.flatMap { try tokenizer(in: $0) })
    }

    /// `<base>[.<variant>].safetensors` in `folder`; without a variant, the plain file or the only one present.
    private static func weightFile(in folder: String, base: String, variant: String?) throws -> String {
        let wanted = variant.map { "\(base).\($0).safetensors" } ?? "\(base).safetensors"
        if FileManager.default.fileExists(atPath: "\(folder)/\(wanted)") { return "\(folder)/\(wanted)" }
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".safetensors") }.sorted()
        if variant == nil, present.count == 1 { return "\(folder)/\(present[0])" }
        throw CheckpointError.missingFile(
            folder,
            "no \(wanted) (found: \(present.isEmpty ? "no .safetensors files" : present.joined(separator: ", ")))")
    }

    private static func tokenizer(in folder: String) throws -> CLIPTokenizer? {
        let vocabulary = "\(folder)/tokenizer/vocab.json"
        let merges = "\(folder)/tokenizer/merges.txt"
        guard FileManager.default.fileExists(atPath: vocabulary), FileManager.default.fileExists(atPath: merges) else {
            return nil
        }
        return try CLIPTokenizer(vocabularyPath: vocabulary, mergesPath: merges)
    }
}
