/// `unet/config.json` as written, before per-block values are expanded and unsupported options rejected.
struct RawUNetConfig: Decodable {
    var inChannels: Int = 4
    var outChannels: Int = 4
    var blockOutChannels: [Int] = [320, 640, 1280, 1280]
    var layersPerBlock: Int = 2
    var attentionHeadDim: PerBlockValue? = .shared(8)
    var numAttentionHeads: PerBlockValue?
    var transformerLayersPerBlock: PerBlockValue?
    var crossAttentionDim: Int = 1280
    var normNumGroups: Int = 32
    var normEps: Float = 1e-5
    var downBlockTypes: [String] = []
    var upBlockTypes: [String] = []
    var midBlockType: String? = "UNetMidBlock2DCrossAttn"
    var flipSinToCos: Bool = true
    var freqShift: Float = 0
    var useLinearProjection: Bool = false
    var downsamplePadding: Int = 1
    var sampleSize: Int?
    var actFn: String = "silu"
    var classEmbedType: String?
    var additionEmbedType: String?
    var timeEmbeddingType: String = "positional"
    var resnetTimeScaleShift: String = "default"
    var centerInputSample: Bool = false
    var dualCrossAttention: Bool = false
    var onlyCrossAttention: Bool = false
    var midBlockScaleFactor: Float = 1
    var resnetOutScaleFactor: Float = 1
    var convInKernel: Int = 3
    var convOutKernel: Int = 3
    var encoderHidDim: Int?
    var timeCondProjDim: Int?
    var timeEmbeddingDim: Int?

    private enum CodingKeys: String, CodingKey {
        case inChannels, outChannels, blockOutChannels, layersPerBlock, attentionHeadDim, numAttentionHeads
        case transformerLayersPerBlock, crossAttentionDim, normNumGroups, normEps, downBlockTypes, upBlockTypes
        case midBlockType, flipSinToCos, freqShift, useLinearProjection, downsamplePadding, sampleSize, actFn
        case classEmbedType, additionEmbedType, timeEmbeddingType, resnetTimeScaleShift, centerInputSample
        case dualCrossAttention, onlyCrossAttention, midBlockScaleFactor, resnetOutScaleFactor, convInKernel
        case convOutKernel, encoderHidDim, timeCondProjDim, timeEmbeddingDim
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        inChannels = try value(.inChannels, inChannels)
        outChannels = try value(.outChannels, outChannels)
        blockOutChannels = try value(.blockOutChannels, blockOutChannels)
        layersPerBlock = try value(.layersPerBlock, layersPerBlock)
        attentionHeadDim = try c.decodeIfPresent(PerBlockValue.self, forKey: .attentionHeadDim) ?? attentionHeadDim
        numAttentionHeads = try c.decodeIfPresent(PerBlockValue.self, forKey: .numAttentionHeads)
        transformerLayersPerBlock = try c.decodeIfPresent(PerBlockValue.self, forKey: .transformerLayersPerBlock)
        crossAttentionDim = try value(.crossAttentionDim, crossAttentionDim)
        normNumGroups = try value(.normNumGroups, normNumGroups)
        normEps = try value(.normEps, normEps)
        downBlockTypes = try value(.downBlockTypes, downBlockTypes)
        upBlockTypes = try value(.upBlockTypes, upBlockTypes)
        midBlockType = try c.decodeIfPresent(String.self, forKey: .midBlockType) ?? midBlockType
        flipSinToCos = try value(.flipSinToCos, flipSinToCos)
        freqShift = try value(.freqShift, freqShift)
        useLinearProjection = try value(.useLinearProjection, useLinearProjection)
        downsamplePadding = try value(.downsamplePadding, downsamplePadding)
        sampleSize = try c.decodeIfPresent(Int.self, forKey: .sampleSize)
        actFn = try value(.actFn, actFn)
        classEmbedType = try c.decodeIfPresent(String.self, forKey: .classEmbedType)
        additionEmbedType = try c.decodeIfPresent(String.self, forKey: .additionEmbedType)
        timeEmbeddingType = try value(.timeEmbeddingType, timeEmbeddingType)
        resnetTimeScaleShift = try value(.resnetTimeScaleShift, resnetTimeScaleShift)
        centerInputSample = try value(.centerInputSample, centerInputSample)
        dualCrossAttention = try value(.dualCrossAttention, dualCrossAttention)
        if let perBlock = try? c.decodeIfPresent([Bool].self, forKey: .onlyCrossAttention) {
            onlyCrossAttention = perBlock.contains(true)
        } else {
            onlyCrossAttention = try value(.onlyCrossAttention, onlyCrossAttention)
        }
        midBlockScaleFactor = try value(.midBlockScaleFactor, midBlockScaleFactor)
        resnetOutScaleFactor = try value(.resnetOutScaleFactor, resnetOutScaleFactor)
        convInKernel = try value(.convInKernel, convInKernel)
        convOutKernel = try value(.convOutKernel, convOutKernel)
        encoderHidDim = try c.decodeIfPresent(Int.self, forKey: .encoderHidDim)
        timeCondProjDim = try c.decodeIfPresent(Int.self, forKey: .timeCondProjDim)
        timeEmbeddingDim = try c.decodeIfPresent(Int.self, forKey: .timeEmbeddingDim)
    }

    func resolved(source: String) throws -> UNetConfig {
        let count = blockOutChannels.count
        guard count >= 1, layersPerBlock >= 1, blockOutChannels.allSatisfy({ $0 > 0 }) else {
            throw CheckpointError.invalidConfig("\(source): block_out_channels and layers_per_block must be positive")
        }
        guard downBlockTypes.count == count, upBlockTypes.count == count else {
            throw CheckpointError.invalidConfig(
                "\(source): \(count) block_out_channels but \(downBlockTypes.count) down and \(upBlockTypes.count) up block types"
            )
        }
        let down = try downBlockTypes.map { type -> Bool in
            switch type {
            case "CrossAttnDownBlock2D": return true
            case "DownBlock2D": return false
            default: throw CheckpointError.unsupportedModel("\(source): down block type \(type)")
            }
        }
        let up = try upBlockTypes.map { type -> Bool in
            switch type {
            case "CrossAttnUpBlock2D": return true
            case "UpBlock2D": return false
            default: throw CheckpointError.unsupportedModel("\(source): up block type \(type)")
            }
        }
        guard midBlockType == "UNetMidBlock2DCrossAttn" else {
            throw CheckpointError.unsupportedModel("\(source): mid block type \(midBlockType ?? "none")")
        }
        let unsupported: [(Bool, String)] = [
            (actFn != "silu", "act_fn \(actFn)"),
            (classEmbedType != nil, "class_embed_type"),
            (additionEmbedType != nil, "addition_embed_type"),
            (timeEmbeddingType != "positional", "time_embedding_type \(timeEmbeddingType)"),
            (resnetTimeScaleShift != "default", "resnet_time_scale_shift \(resnetTimeScaleShift)"),
            (centerInputSample, "center_input_sample"),
            (dualCrossAttention, "dual_cross_attention"),
            (onlyCrossAttention, "only_cross_attention"),
            (midBlockScaleFactor != 1, "mid_block_scale_factor \(midBlockScaleFactor)"),
            (resnetOutScaleFactor != 1, "resnet_out_scale_factor \(resnetOutScaleFactor)"),
            (convInKernel != 3 || convOutKernel != 3, "conv_in_kernel/conv_out_kernel other than 3"),
            (encoderHidDim != nil, "encoder_hid_dim"),
            (timeCondProjDim != nil, "time_cond_proj_dim"),
            (timeEmbeddingDim != nil, "time_embedding_dim"),
            (downsamplePadding != 1, "downsample_padding \(downsamplePadding)"),
        ]
        if let (_, option) = unsupported.first(where: { $0.0 }) {
            throw CheckpointError.unsupportedModel("\(source): \(option)")
        }
        guard let headsValue = numAttentionHeads ?? attentionHeadDim else {
            throw CheckpointError.invalidConfig("\(source): neither num_attention_heads nor attention_head_dim is set")
        }
        let heads = try headsValue.values(count: count, name: "attention heads")
        let layers = try (transformerLayersPerBlock ?? .shared(1)).values(
            count: count, name: "transformer_layers_per_block")
        guard inChannels > 0, outChannels > 0, crossAttentionDim > 0, normNumGroups > 0,
            heads.allSatisfy({ $0 > 0 }), layers.allSatisfy({ $0 >= 1 })
        else {
            throw CheckpointError.invalidConfig(
                "\(source): channels, cross_attention_dim, norm_num_groups, heads and transformer layers must be positive"
            )
        }
        return UNetConfig(
            inChannels: inChannels, outChannels: outChannels, blockOutChannels: blockOutChannels,
            layersPerBlock: layersPerBlock, attentionHeads: heads, transformerLayers: layers,
            crossAttentionDim: crossAttentionDim, normNumGroups: normNumGroups, normEps: normEps,
            downBlockHasAttention: down, upBlockHasAttention: up, flipSinToCos: flipSinToCos, freqShift: freqShift,
            useLinearProjection: useLinearProjection, downsamplePadding: downsamplePadding, sampleSize: sampleSize)
    }
}
