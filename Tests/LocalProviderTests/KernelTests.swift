import Foundation
import Testing

@testable import LocalProvider

/// The fast kernels against the straightforward ones: Winograd against im2col, vector activations against libm.
@Suite struct KernelTests {
    @Test(arguments: [ConvolutionAlgorithm.winograd2x2, .winograd4x4], [0, 1, 2])
    func winogradMatchesIm2col(algorithm: ConvolutionAlgorithm, padding: Int) {
        var values = TestValues(seed: UInt64(10 + padding))
        let input = values.tensor([2, 6, 11, 13])
        let conv = Conv2d(weight: values.tensor([5, 6, 3, 3]), bias: values.tensor([5]), padding: padding)
        let expected = conv(input, algorithm: .im2col)
        let output = conv(input, algorithm: algorithm)
        #expect(output.shape == expected.shape)
        #expect(Fixtures.relativeError(output, expected) < 1e-5)
    }

    /// Kernels left in a mapped file (float32 or float16), converted as each algorithm reads them (Winograd's
    /// transform 16 kernel pairs at a time, in every weight block), give exactly what converted kernels give.
    @Test(arguments: ["F32", "F16"], ConvolutionAlgorithm.allCases)
    func mappedKernelsGiveTheConvertedResult(dtype: String, algorithm: ConvolutionAlgorithm) throws {
        var values = TestValues(seed: 26)
        // 7 x 5 = 35 kernel pairs: two whole blocks of 16 and a partial one.
        let stored = values.tensor([7, 5, 3, 3])
        let bytes =
            dtype == "F32"
            ? SafetensorsFileTests.floatBytes(stored.scalars)
            : stored.scalars.flatMap { value -> [UInt8] in
                let bits = Float16(value).bitPattern
                return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            }
        let folder = try ScratchFolder()
        let header = #"{"conv.weight":{"dtype":"\#(dtype)","shape":[7,5,3,3],"data_offsets":[0,\#(bytes.count)]}}"#
        let file = try SafetensorsFile(
            path: try folder.write("conv.safetensors", SafetensorsFileTests.file(json: header, data: bytes)))
        let bias = values.tensor([7])
        let mapped = Conv2d(
            weights: .mapped(try file.elements("conv.weight")), shape: [7, 5, 3, 3], bias: bias, padding: 1)
        let converted = Conv2d(weight: try file.tensor("conv.weight"), bias: bias, padding: 1)
        let input = values.tensor([2, 5, 12, 12])
        #expect(mapped(input, algorithm: algorithm) == converted(input, algorithm: algorithm))
        // Weight blocks of one output channel each: every block converts its own kernels.
        for tile in [WinogradTile.f2, .f4] {
            #expect(
                mapped.winograd(input, tile: tile, weightBlockElements: 1)
                    == converted.winograd(input, tile: tile, weightBlockElements: 1))
        }
    }

    @Test(arguments: [WinogradTile.f2, .f4])
    func winogradChunksAndWeightBlocksGiveTheWholeResult(tile: WinogradTile) {
        var values = TestValues(seed: 20)
        let input = values.tensor([3, 4, 9, 10])
        let conv = Conv2d(weight: values.tensor([7, 4, 3, 3]), bias: values.tensor([7]), padding: 1)
        let whole = conv.winograd(input, tile: tile)
        let rowByRow = conv.winograd(input, tile: tile, chunkElements: 1)
        let channelByChannel = conv.winograd(input, tile: tile, weightBlockElements: 1)
        let both = conv.winograd(input, tile: tile, chunkElements: 1, weightBlockElements: 3 * 4 * 36)
        #expect(Fixtures.relativeError(rowByRow, whole) < 1e-6)
        #expect(Fixtures.relativeError(channelByChannel, whole) < 1e-6)
        #expect(Fixtures.relativeError(both, whole) < 1e-6)
        #expect(Fixtures.relativeError(whole, conv(input, algorithm: .im2col)) < 1e-5)
    }

    @Test func outputGroupsCoverEveryChannelOnceWithinTheirSize() {
        for (outputs, most) in [(1280, 182), (640, 121), (7, 1), (7, 3), (100, 40), (40, 17), (320, 1000)] {
            let groups = Conv2d.outputGroups(outputs, most: most)
            #expect(groups.first?.lowerBound == 0 && groups.last?.upperBound == outputs, "\(groups)")
            #expect(zip(groups, groups.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(groups)")
            // Rounded up to a multiple of 16 when split, so a group may pass `most` by up to 15 channels.
            #expect(groups.allSatisfy { !$0.isEmpty && $0.count <= most + 15 }, "\(groups)")
            #expect(groups.count <= (outputs + most - 1) / most, "\(groups)")
        }
    }

    @Test func automaticChoiceFollowsTheShape() {
        var values = TestValues(seed: 21)
        let conv = Conv2d(weight: values.tensor([2, 2, 3, 3]), bias: nil, padding: 1)
        #expect(conv.winogradTile(for: Tensor(shape: [2, 2, 64, 64])) == .f4)
        #expect(conv.winogradTile(for: Tensor(shape: [2, 2, 16, 16])) == .f2)
        #expect(conv.winogradTile(for: Tensor(shape: [2, 2, 8, 8])) == nil)
        let strided = Conv2d(weight: conv.weight, bias: nil, stride: 2, padding: 1)
        #expect(strided.winogradTile(for: Tensor(shape: [2, 2, 64, 64])) == nil)
        let pointwise = Conv2d(weight: values.tensor([2, 2, 1, 1]), bias: nil)
        #expect(pointwise.winogradTile(for: Tensor(shape: [2, 2, 64, 64])) == nil)
    }

    @Test(arguments: [false, true])
    func attentionInSmallBlocksMatchesOneBlock(causal: Bool) {
        var values = TestValues(seed: causal ? 23 : 24)
        var query = values.tensor([2, 19, 12])
        // Large scores make later key blocks raise the running maximum, which exercises the rescaling.
        query.scale(by: 8)
        let keyLength = causal ? 19 : 23
        let (key, value) = (values.tensor([2, keyLength, 12]), values.tensor([2, keyLength, 12]))
        let whole = ScaledDotProductAttention.blocked(
            query: query, key: key, value: value, heads: 3, causal: causal, queryBlock: 64, keyBlock: 64)
        let blocked = ScaledDotProductAttention.blocked(
            query: query, key: key, value: value, heads: 3, causal: causal, queryBlock: 4, keyBlock: 5)
        #expect(Fixtures.relativeError(blocked, whole) < 1e-5)
    }

    /// Shapes around the fused kernel's edges: query rows and keys off its 8 x 32 tile, several packed key blocks
    /// (352 keys at head size 40, 32 at 512), head sizes below, at and off whole vectors, value columns in groups
    /// of one to three vectors with or without a half-vector tail (5, 24, 40) or a padded one (12). Queries scaled
    /// up so later keys raise rows' maxima (the online rescaling).
    @Test(
        .enabled(if: ScaledDotProductAttention.fusedKernelAvailable),
        arguments: [
            (queries: 13, keys: 45, headSize: 40, heads: 2), (9, 400, 40, 1), (17, 70, 64, 2), (8, 33, 80, 1),
            (5, 40, 512, 1), (3, 20, 5, 1), (4, 77, 24, 3), (1, 1, 16, 1), (6, 50, 12, 2),
        ])
    func fusedAttentionMatchesDoublePrecision(queries: Int, keys: Int, headSize: Int, heads: Int) {
        var values = TestValues(seed: UInt64(queries * 1_000 + keys))
        let width = heads * headSize
        var query = values.tensor([2, queries, width])
        query.scale(by: 4)
        let key = values.tensor([2, keys, width])
        let value = values.tensor([2, keys, width])
        let output = ScaledDotProductAttention.fused(query: query, key: key, value: value, heads: heads)
        let expected = ReferenceAttention.compute(query: query, key: key, value: value, heads: heads)
        let largestError = zip(output.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(largestError < 2e-6, "largest difference \(largestError)")
    }

    /// Each row's result depends on its own query only, so any split of the rows into tasks gives the same bits;
    /// and the fused kernel agrees with the GEMM route at an SD 1.x head size.
    @Test(.enabled(if: ScaledDotProductAttention.fusedKernelAvailable))
    func fusedAttentionIsIndependentOfItsQueryBlocksAndMatchesTheGEMMRoute() {
        var values = TestValues(seed: 25)
        var query = values.tensor([2, 301, 320])
        query.scale(by: 4)
        let (key, value) = (values.tensor([2, 390, 320]), values.tensor([2, 390, 320]))
        let whole = ScaledDotProductAttention.fused(query: query, key: key, value: value, heads: 8)
        let split = ScaledDotProductAttention.fused(query: query, key: key, value: value, heads: 8, queryBlock: 7)
        #expect(whole == split)
        let gemm = ScaledDotProductAttention.blocked(query: query, key: key, value: value, heads: 8, keyBlock: 100)
        #expect(Fixtures.relativeError(whole, gemm) < 1e-5)
    }

    /// Shapes around the panel kernel's edges: rows off its 14-row tile and past its 224-row block (two passes over
    /// the weights), outputs off whole and half panels, inputs past its 512-input pass (513: two passes, the second
    /// starting from what the first wrote); with and without a bias; the last case large enough to split its panels
    /// across cores.
    @Test(
        .enabled(if: WeightPanels.kernelAvailable),
        arguments: [
            (rows: 1, inputs: 1, outputs: 1, bias: true), (13, 7, 15, false), (14, 256, 16, true), (15, 257, 17, true),
            (29, 40, 64, true), (154, 300, 33, false), (230, 513, 100, true),
        ])
    func panelProductMatchesDoublePrecision(rows: Int, inputs: Int, outputs: Int, bias: Bool) throws {
        var values = TestValues(seed: UInt64(rows * 1_000 + inputs))
        let input = values.tensor([rows, inputs])
        let weight = values.tensor([outputs, inputs])
        let biasValues = bias ? values.tensor([outputs]) : nil
        let output = Linear(weight: weight, bias: biasValues).laidOutInPanels()(input)
        #expect(output.shape == [rows, outputs])
        for row in 0..<rows {
            for column in 0..<outputs {
                var sum = Double(biasValues?.scalars[column] ?? 0)
                var magnitude = abs(sum)
                for index in 0..<inputs {
                    let term =
                        Double(input.scalars[row * inputs + index]) * Double(weight.scalars[column * inputs + index])
                    sum += term
                    magnitude += abs(term)
                }
                let error = abs(Double(output.scalars[row * outputs + column]) - sum)
                try #require(error <= 1e-5 * magnitude, "row \(row), output \(column): \(error) off")
            }
        }
    }

    @Test func vectorGELUMatchesLibm() {
        let inputs = (0..<1201).map { Float($0 - 600) / 100 }
        var gelu = inputs
        var quick = inputs
        gelu.withUnsafeMutableBufferPointer { VectorKernels.gelu($0.baseAddress!, count: $0.count) }
        quick.withUnsafeMutableBufferPointer { VectorKernels.quickGELU($0.baseAddress!, count: $0.count) }
        for (index, x) in inputs.enumerated() {
            let exact = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            #expect(abs(Double(gelu[index]) - exact) < 2e-6 * max(1, abs(exact)), "gelu(\(x))")
            let exactQuick = Double(x) / (1 + Foundation.exp(-1.702 * Double(x)))
            #expect(abs(Double(quick[index]) - exactQuick) < 2e-6 * max(1, abs(exactQuick)), "quickGELU(\(x))")
        }
    }

    @Test func softmaxExponentialMatchesTheGeneralOneAndUnderflowsToZero() {
        // Shifted by the maximum (2), the exponents run from -inf and -200 up to 0.
        var row: [Float] = [-.infinity, -198, -85.4, -85.2] + (0..<2001).map { 2 - Float($0) / 25 } + [2]
        let original = row
        let total = row.withUnsafeMutableBufferPointer {
            VectorKernels.exponentiate($0.baseAddress!, count: $0.count, shift: 2)
        }
        var sum = 0.0
        for (index, x) in original.enumerated() {
            let shifted = x - 2
            var expected = Float(Foundation.exp(Double(shifted)))
            if shifted >= -87.3 {
                // The same reduction and polynomial as the general vector `exp`, so the same bits.
                expected = VectorKernels.exp(VectorKernels.Vector(repeating: shifted))[0]
                #expect(
                    abs(Double(expected) - Foundation.exp(Double(shifted))) <= 3e-7 * Foundation.exp(Double(shifted)))
            } else {
                expected = 0
            }
            #expect(row[index].bitPattern == expected.bitPattern, "e^\(shifted)")
            sum += Double(row[index])
        }
        #expect(abs(Double(total) - sum) < 1e-5 * sum)
    }

    @Test func feedForwardInRowChunksMatchesOnePass() {
        var values = TestValues(seed: 25)
        let feedForward = FeedForward(
            projection: Linear(weight: values.tensor([32, 8]), bias: values.tensor([32])),
            output: Linear(weight: values.tensor([8, 16]), bias: values.tensor([8])))
        // 2 x 1,100 rows: two whole chunks and a partial one.
        let input = values.tensor([2, 1100, 8])
        let chunked = feedForward(input)
        let onePass = feedForward.output(Activation.geglu(feedForward.projection(input)))
        #expect(chunked.shape == [2, 1100, 8])
        #expect(Fixtures.relativeError(chunked, onePass) < 1e-6)
    }

    @Test func gegluGatesWithExactGELU() {
        var values = TestValues(seed: 22)
        let input = values.tensor([3, 40])
        let output = Activation.geglu(input)
        #expect(output.shape == [3, 20])
        for row in 0..<3 {
            for index in 0..<20 {
                let (value, gate) = (input.scalars[row * 40 + index], Double(input.scalars[row * 40 + 20 + index]))
                let expected = Double(value) * 0.5 * gate * (1 + Foundation.erf(gate / 2.0.squareRoot()))
                #expect(abs(Double(output.scalars[row * 20 + index]) - expected) < 1e-6)
            }
        }
    }
}
