/// Maps the key names of original (CompVis/LDM) single-file SD 1.x checkpoints to diffusers' module names.
///
/// `model.diffusion_model.*` becomes the UNet, `first_stage_model.*` the VAE and
/// `cond_stage_model.transformer.*` the text encoder. Keys of parts the engine does not use (the VAE encoder,
/// EMA copies) map to nothing.
struct OriginalCheckpointKeys {
    static let unetPrefix = "model.diffusion_model."
    static let vaePrefix = "first_stage_model."
    static let textPrefix = "cond_stage_model.transformer."

    let unet: UNetConfig
    let vae: VAEConfig

    /// The diffusers name of each original UNet key: `[diffusers name: original name]`.
    func unetNames(_ keys: [String]) -> [String: String] {
        var names: [String: String] = [:]
        for key in keys where key.hasPrefix(Self.unetPrefix) {
            if let name = unetName(String(key.dropFirst(Self.unetPrefix.count))) { names[name] = key }
        }
        return names
    }

    /// The diffusers name of each original VAE decoder key.
    func vaeNames(_ keys: [String]) -> [String: String] {
        var names: [String: String] = [:]
        for key in keys where key.hasPrefix(Self.vaePrefix) {
            if let name = vaeName(String(key.dropFirst(Self.vaePrefix.count))) { names[name] = key }
        }
        return names
    }

    /// The text encoder keys with the checkpoint prefix removed (they already use transformers' names).
    func textEncoderNames(_ keys: [String]) -> [String: String] {
        var names: [String: String] = [:]
        for key in keys where key.hasPrefix(Self.textPrefix) {
            names[String(key.dropFirst(Self.textPrefix.count))] = key
        }
        return names
    }

    private func unetName(_ key: String) -> String? {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count >= 2 else { return nil }
        let layers = unet.layersPerBlock
        switch parts[0] {
        case "time_embed":
            let linear = ["0": "linear_1", "2": "linear_2"][parts[1]]
            return linear.map { (["time_embedding", $0] + parts[2...]).joined(separator: ".") }
        case "out":
            let layer = ["0": "conv_norm_out", "2": "conv_out"][parts[1]]
            return layer.map { ([$0] + parts[2...]).joined(separator: ".") }
        case "input_blocks":
            guard parts.count >= 4, let block = Int(parts[1]) else { return nil }
            if block == 0 { return (["conv_in"] + parts[3...]).joined(separator: ".") }
            let (stage, layer) = ((block - 1) / (layers + 1), (block - 1) % (layers + 1))
            if layer == layers {
                guard parts[2] == "0", parts[3] == "op" else { return nil }
                return (["down_blocks", "\(stage)", "downsamplers", "0", "conv"] + parts[4...]).joined(separator: ".")
            }
            let rest = Array(parts[3...])
            if parts[2] == "0" { return resnetName(rest).map { "down_blocks.\(stage).resnets.\(layer).\($0)" } }
            return "down_blocks.\(stage).attentions.\(layer).\(rest.joined(separator: "."))"
        case "middle_block":
            guard parts.count >= 3 else { return nil }
            let module = ["0": "resnets.0", "1": "attentions.0", "2": "resnets.1"][parts[1]]
            guard let module else { return nil }
            let rest = module.hasPrefix("resnets") ? resnetName(Array(parts[2...])) : parts[2...].joined(separator: ".")
            return rest.map { "mid_block.\(module).\($0)" }
        case "output_blocks":
            guard parts.count >= 4, let block = Int(parts[1]), let index = Int(parts[2]) else { return nil }
            let (stage, layer) = (block / (layers + 1), block % (layers + 1))
            let rest = Array(parts[3...])
            let isUpsampler = index == 2 || (index == 1 && rest.first == "conv")
            if isUpsampler {
                return (["up_blocks", "\(stage)", "upsamplers", "0"] + rest).joined(separator: ".")
            }
            if index == 0 { return resnetName(rest).map { "up_blocks.\(stage).resnets.\(layer).\($0)" } }
            return "up_blocks.\(stage).attentions.\(layer).\(rest.joined(separator: "."))"
        default:
            return nil
        }
    }

    /// LDM's ResBlock names to `ResnetBlock2D`'s.
    private func resnetName(_ parts: [String]) -> String? {
        guard let first = parts.first else { return nil }
        let renamed: String?
        switch first {
        case "in_layers": renamed = ["0": "norm1", "2": "conv1"][parts.count > 1 ? parts[1] : ""]
        case "emb_layers": renamed = parts.count > 1 && parts[1] == "1" ? "time_emb_proj" : nil
        case "out_layers": renamed = ["0": "norm2", "3": "conv2"][parts.count > 1 ? parts[1] : ""]
        case "skip_connection": return (["conv_shortcut"] + parts[1...]).joined(separator: ".")
        default: return nil
        }
        return renamed.map { ([$0] + parts[2...]).joined(separator: ".") }
    }

    private func vaeName(_ key: String) -> String? {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count >= 2 else { return nil }
        if parts[0] == "post_quant_conv" { return key }
        guard parts[0] == "decoder" else { return nil }
        switch parts[1] {
        case "conv_in", "conv_out": return key
        case "norm_out": return (["decoder", "conv_norm_out"] + parts[2...]).joined(separator: ".")
        case "mid":
            guard parts.count >= 4 else { return nil }
            let rest = Array(parts[3...])
            switch parts[2] {
            case "block_1": return vaeResnetName(rest).map { "decoder.mid_block.resnets.0.\($0)" }
            case "block_2": return vaeResnetName(rest).map { "decoder.mid_block.resnets.1.\($0)" }
            case "attn_1":
                let renamed = ["norm": "group_norm", "q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0"][
                    rest[0]]
                return renamed.map { (["decoder.mid_block.attentions.0", $0] + rest[1...]).joined(separator: ".") }
            default: return nil
            }
        case "up":
            guard parts.count >= 5, let level = Int(parts[2]) else { return nil }
            let stage = vae.blockOutChannels.count - 1 - level
            if parts[3] == "upsample" {
                return (["decoder", "up_blocks", "\(stage)", "upsamplers", "0"] + parts[4...]).joined(separator: ".")
            }
            guard parts[3] == "block", parts.count >= 6 else { return nil }
            return vaeResnetName(Array(parts[5...])).map { "decoder.up_blocks.\(stage).resnets.\(parts[4]).\($0)" }
        default:
            return nil
        }
    }

    private func vaeResnetName(_ parts: [String]) -> String? {
        guard let first = parts.first else { return nil }
        let renamed = first == "nin_shortcut" ? "conv_shortcut" : first
        return ([renamed] + parts[1...]).joined(separator: ".")
    }
}
