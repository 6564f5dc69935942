import LocalProvider

/// The kernels at the shapes SD 1.x runs them with at 512x512 (UNet batch 2 for classifier-free guidance, VAE
/// batch 1); scripts/bench-engine-kernels.py holds the same list for PyTorch, by name.
enum KernelCases {
    static func all(withAlgorithms: Bool) -> [Benchmark] {
        var random = RandomTensors()
        var cases = [Benchmark]()
        let convolutions: [(String, channels: Int, size: Int, batch: Int)] = [
            ("conv3x3-320x64x64-b2", 320, 64, 2), ("conv3x3-640x32x32-b2", 640, 32, 2),
            ("conv3x3-1280x16x16-b2", 1280, 16, 2), ("conv3x3-1280x8x8-b2", 1280, 8, 2),
            ("conv3x3-512x128x128-b1", 512, 128, 1), ("conv3x3-256x256x256-b1", 256, 256, 1),
            ("conv3x3-128x512x512-b1", 128, 512, 1),
        ]
        for (name, channels, size, batch) in convolutions {
            let input = random.tensor([batch, channels, size, size])
            let weight = random.tensor([channels, channels, 3, 3], scale: 1 / Float(channels * 9).squareRoot())
            let bias = random.tensor([channels], scale: 0.1)
            let algorithms: [ConvolutionAlgorithm] = withAlgorithms ? ConvolutionAlgorithm.allCases : [.automatic]
            for algorithm in algorithms {
                cases.append(
                    Benchmark(name: algorithm == .automatic ? name : "\(name)/\(algorithm.rawValue)") {
                        EngineKernels.conv2d(input, weight: weight, bias: bias, padding: 1, algorithm: algorithm)
                    })
            }
        }
        for (name, shape) in [
            ("groupnorm-silu-320x64x64-b2", [2, 320, 64, 64]), ("groupnorm-silu-128x512x512-b1", [1, 128, 512, 512]),
        ] {
            let input = random.tensor(shape)
            let (gamma, beta) = (random.tensor([shape[1]]), random.tensor([shape[1]]))
            cases.append(
                Benchmark(name: name) {
                    EngineKernels.groupNorm(input, groups: 32, weight: gamma, bias: beta, thenSiLU: true)
                })
        }
        let tokens = random.tensor([2, 4096, 320])
        let (gamma, beta) = (random.tensor([320]), random.tensor([320]))
        cases.append(
            Benchmark(name: "layernorm-2x4096x320") { EngineKernels.layerNorm(tokens, weight: gamma, bias: beta) })
        let projection = random.tensor([2560, 320], scale: 1 / Float(320).squareRoot())
        let projectionBias = random.tensor([2560], scale: 0.1)
        cases.append(
            Benchmark(name: "linear-2x4096x320-to-2560") {
                EngineKernels.linear(tokens, weight: projection, bias: projectionBias)
            })
        // The text encoder's MLP on two prompts (2 x 77 tokens), the UNet's projections and feed-forward layers at
        // each level (its feed-forward runs 1,024 tokens at a time): weights laid out in panels, or through the BLAS.
        let layers: [(String, rows: Int, inputs: Int, outputs: Int)] = [
            ("linear-2x77x768-to-3072", 154, 768, 3072), ("linear-2x77x3072-to-768", 154, 3072, 768),
            ("linear-2x4096x320-to-320", 8192, 320, 320), ("linear-1024x320-to-2560", 1024, 320, 2560),
            ("linear-1024x1280-to-320", 1024, 1280, 320), ("linear-2x1024x640-to-640", 2048, 640, 640),
            ("linear-1024x640-to-5120", 1024, 640, 5120), ("linear-1024x2560-to-640", 1024, 2560, 640),
            ("linear-2x256x1280-to-1280", 512, 1280, 1280), ("linear-512x1280-to-10240", 512, 1280, 10240),
            ("linear-512x5120-to-1280", 512, 5120, 1280),
        ]
        for (name, rows, inputs, outputs) in layers {
            let input = random.tensor([rows, inputs])
            let weight = random.tensor([outputs, inputs], scale: 1 / Float(inputs).squareRoot())
            let bias = random.tensor([outputs], scale: 0.1)
            let panels = EngineKernels.linearLayer(weight: weight, bias: bias, inPanels: true)
            cases.append(Benchmark(name: name) { panels(input) })
            if withAlgorithms {
                let blas = EngineKernels.linearLayer(weight: weight, bias: bias, inPanels: false)
                cases.append(Benchmark(name: "\(name)/blas") { blas(input) })
            }
        }
        let gated = random.tensor([2, 4096, 2560])
        cases.append(Benchmark(name: "geglu-2x4096x2560") { EngineKernels.geglu(gated) })
        let attentions: [(String, batch: Int, queries: Int, keys: Int, width: Int, heads: Int)] = [
            ("attention-self-2x8x4096x40", 2, 4096, 4096, 320, 8),
            ("attention-self-2x8x1024x80", 2, 1024, 1024, 640, 8),
            ("attention-cross-2x8x4096x77x40", 2, 4096, 77, 320, 8),
            ("attention-vae-1x1x4096x512", 1, 4096, 4096, 512, 1),
            ("attention-self-2x8x9216x40", 2, 9216, 9216, 320, 8),
        ]
        for (name, batch, queries, keys, width, heads) in attentions {
            let query = random.tensor([batch, queries, width])
            let (key, value) = (random.tensor([batch, keys, width]), random.tensor([batch, keys, width]))
            cases.append(
                Benchmark(name: name) { EngineKernels.attention(query: query, key: key, value: value, heads: heads) })
            if withAlgorithms {
                cases.append(
                    Benchmark(name: "\(name)/gemm") {
                        EngineKernels.attention(query: query, key: key, value: value, heads: heads, throughGEMMs: true)
                    })
            }
        }
        return cases
    }
}
