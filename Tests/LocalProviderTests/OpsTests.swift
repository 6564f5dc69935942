import Foundation
import Testing

@testable import LocalProvider

@Suite struct OpsTests {
    @Test(arguments: [(3, 1, 1), (3, 2, 1), (3, 1, 0), (1, 1, 0), (3, 2, 0)])
    func conv2dMatchesNaive(kernel: Int, stride: Int, padding: Int) {
        var values = TestValues(seed: UInt64(kernel * 100 + stride * 10 + padding))
        let input = values.tensor([2, 3, 7, 6])
        let conv = Conv2d(
            weight: values.tensor([5, 3, kernel, kernel]), bias: values.tensor([5]), stride: stride, padding: padding)
        let output = conv(input)
        let outHeight = (7 + 2 * padding - kernel) / stride + 1
        let outWidth = (6 + 2 * padding - kernel) / stride + 1
        #expect(output.shape == [2, 5, outHeight, outWidth])
        var expected = [Float]()
        for n in 0..<2 {
            for o in 0..<5 {
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        var sum = Double(conv.bias!.scalars[o])
                        for c in 0..<3 {
                            for ky in 0..<kernel {
                                for kx in 0..<kernel {
                                    let (iy, ix) = (y * stride + ky - padding, x * stride + kx - padding)
                                    guard iy >= 0, iy < 7, ix >= 0, ix < 6 else { continue }
                                    sum +=
                                        Double(input.scalars[((n * 3 + c) * 7 + iy) * 6 + ix])
                                        * Double(conv.weight.scalars[((o * 3 + c) * kernel + ky) * kernel + kx])
                                }
                            }
                        }
                        expected.append(Float(sum))
                    }
                }
            }
        }
        #expect(Fixtures.relativeError(output, Tensor(shape: output.shape, scalars: expected)) < 1e-5)
    }

    @Test func linearMatchesNaive() {
        var values = TestValues(seed: 1)
        let input = values.tensor([2, 3, 4])
        let weight = values.tensor([5, 4])
        let linear = Linear(weight: weight, bias: values.tensor([5]))
        let output = linear(input)
        #expect(output.shape == [2, 3, 5])
        for row in 0..<6 {
            for o in 0..<5 {
                var sum = linear.bias!.scalars[o]
                for i in 0..<4 { sum += input.scalars[row * 4 + i] * weight.scalars[o * 4 + i] }
                #expect(abs(output.scalars[row * 5 + o] - sum) < 1e-5)
            }
        }
    }

    @Test func groupNormMatchesNaive() {
        var values = TestValues(seed: 2)
        let input = values.tensor([2, 6, 3, 5])
        let norm = GroupNorm(groups: 3, epsilon: 1e-5, weight: values.tensor([6]), bias: values.tensor([6]))
        let output = norm(input)
        let activated = norm(input, thenSiLU: true)
        for n in 0..<2 {
            for g in 0..<3 {
                let start = (n * 6 + g * 2) * 15
                let group = input.scalars[start..<(start + 30)].map(Double.init)
                let mean = group.reduce(0, +) / 30
                let variance = group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 30
                for (offset, value) in group.enumerated() {
                    let channel = g * 2 + offset / 15
                    let normalised = (value - mean) / (variance + 1e-5).squareRoot()
                    let expected = Float(normalised) * norm.weight.scalars[channel] + norm.bias.scalars[channel]
                    #expect(abs(output.scalars[start + offset] - expected) < 1e-5)
                    #expect(abs(activated.scalars[start + offset] - expected / (1 + exp(-expected))) < 1e-5)
                }
            }
        }
    }

    @Test func layerNormNormalisesRows() {
        var values = TestValues(seed: 3)
        let input = values.tensor([3, 8])
        let norm = LayerNorm(epsilon: 1e-5, weight: Tensor(shape: [8], repeating: 1), bias: Tensor(shape: [8]))
        let output = norm(input)
        for row in 0..<3 {
            let slice = output.scalars[(row * 8)..<(row * 8 + 8)]
            let mean = slice.reduce(0, +) / 8
            let variance = slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    @Test func softmaxRowsSumToOneAndKeepOrder() {
        let input = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, -1000])
        let output = Softmax.lastDimension(input)
        let e1 = exp(Float(1)), e2 = exp(Float(2)), e3 = exp(Float(3))
        let total = e1 + e2 + e3
        #expect(abs(output.scalars[0] - e1 / total) < 1e-6)
        #expect(abs(output.scalars[2] - e3 / total) < 1e-6)
        #expect(abs(output.scalars[3] - 0.5) < 1e-6 && abs(output.scalars[4] - 0.5) < 1e-6)
        #expect(output.scalars[5] == 0)
    }

    @Test(arguments: [false, true])
    func attentionMatchesNaive(causal: Bool) {
        var values = TestValues(seed: causal ? 5 : 4)
        let (batch, heads, headSize) = (2, 3, 4)
        let (queryLength, keyLength) = (5, causal ? 5 : 7)
        let width = heads * headSize
        let query = values.tensor([batch, queryLength, width])
        let key = values.tensor([batch, keyLength, width])
        let value = values.tensor([batch, keyLength, width])
        let output = ScaledDotProductAttention.compute(
            query: query, key: key, value: value, heads: heads, causal: causal)
        let expected = ReferenceAttention.compute(query: query, key: key, value: value, heads: heads, causal: causal)
        for (actual, expected) in zip(output.scalars, expected) { #expect(abs(Double(actual) - expected) < 1e-5) }
    }

    @Test func attentionBlocksLongQueriesLikeOneBlock() {
        var values = TestValues(seed: 6)
        let query = values.tensor([1, 40, 8])
        let key = values.tensor([1, 30, 8])
        let value = values.tensor([1, 30, 8])
        let whole = ScaledDotProductAttention.compute(query: query, key: key, value: value, heads: 2)
        let rows = (0..<40).map { row in
            ScaledDotProductAttention.compute(
                query: Tensor(shape: [1, 1, 8], scalars: Array(query.scalars[(row * 8)..<(row * 8 + 8)])), key: key,
                value: value, heads: 2
            ).scalars
        }
        #expect(Fixtures.relativeError(whole, Tensor(shape: [1, 40, 8], scalars: Array(rows.joined()))) < 1e-6)
    }

    @Test func nearestUpsampleRepeatsPixels() {
        let input = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        #expect(Upsample.nearest(input).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    @Test func activationsMatchTheirDefinitions() {
        #expect(abs(Activation.gelu(1) - 0.841_344_7) < 1e-6)
        #expect(abs(Activation.quickGELU(1) - 1 / (1 + exp(-1.702))) < 1e-6)
        #expect(abs(Activation.silu(-2) - (-2 / (1 + exp(2)))) < 1e-6)
        let geglu = Activation.geglu(Tensor(shape: [1, 4], scalars: [2, 3, 1, -1]))
        #expect(geglu.shape == [1, 2])
        #expect(abs(geglu.scalars[0] - 2 * Activation.gelu(1)) < 1e-6)
        #expect(abs(geglu.scalars[1] - 3 * Activation.gelu(-1)) < 1e-6)
    }

    @Test func layoutRoundTripsAndConcatenates() {
        var values = TestValues(seed: 7)
        let image = values.tensor([2, 3, 4, 5])
        let tokens = image.imageToTokens()
        #expect(tokens.shape == [2, 20, 3])
        // Image 1, channel 2, pixel (y 1, x 2) = token 7.
        let tokenIndex = (1 * 20 + 7) * 3 + 2
        let pixelIndex = ((1 * 3 + 2) * 4 + 1) * 5 + 2
        #expect(tokens.scalars[tokenIndex] == image.scalars[pixelIndex])
        #expect(tokens.tokensToImage(height: 4, width: 5) == image)
        let joined = Tensor.concatenatingChannels(image, values.tensor([2, 1, 4, 5]))
        #expect(joined.shape == [2, 4, 4, 5])
        #expect(Array(joined.scalars[80..<140]) == Array(image.scalars[60..<120]))
    }

    /// The spatial transformer's projections change layout inside their product: the same as convolving, then
    /// transposing.
    @Test(arguments: [true, false])
    func pointwiseProjectionsChangeLayoutLikeConvolvingThenTransposing(withBias: Bool) {
        var values = TestValues(seed: withBias ? 8 : 9)
        let conv = Conv2d(weight: values.tensor([5, 3, 1, 1]), bias: withBias ? values.tensor([5]) : nil)
        let image = values.tensor([2, 3, 4, 7])
        #expect(Fixtures.relativeError(conv.pointwiseToTokens(image), conv(image).imageToTokens()) < 1e-6)
        let back = Conv2d(weight: values.tensor([3, 5, 1, 1]), bias: withBias ? values.tensor([3]) : nil)
        let tokens = values.tensor([2, 28, 5])
        #expect(
            Fixtures.relativeError(
                back.pointwiseFromTokens(tokens, height: 4, width: 7), back(tokens.tokensToImage(height: 4, width: 7)))
                < 1e-6)
    }

    @Test func vectorExponentialMatchesTheScalarOne() {
        var worst: Float = 0
        var x: Float = -90
        while x < 90 {
            let lanes = VectorKernels.Vector((0..<16).map { x + Float($0) * 0.0123 })
            let result = VectorKernels.exp(lanes)
            for lane in 0..<16 where lanes[lane] > -87.3 && lanes[lane] < 88.7 {
                worst = max(worst, abs(result[lane] - exp(lanes[lane])) / exp(lanes[lane]))
            }
            x += 0.1973
        }
        #expect(worst < 4e-7)
        let edges = VectorKernels.exp(VectorKernels.Vector(repeating: -.infinity))
        #expect(edges == VectorKernels.Vector(repeating: 0))
        #expect(VectorKernels.exp(VectorKernels.Vector(repeating: 100))[0] == .infinity)
        #expect(VectorKernels.exp(VectorKernels.Vector(repeating: 0))[0] == 1)
    }

    @Test func halfPrecisionWidensExactly() {
        #expect(HalfPrecision.float(fromHalfBits: 0x3C00) == 1)
        #expect(HalfPrecision.float(fromHalfBits: 0xC000) == -2)
        #expect(HalfPrecision.float(fromHalfBits: 0x0001) == 0x1p-24)
        #expect(HalfPrecision.float(fromHalfBits: 0x7BFF) == 65504)
        #expect(HalfPrecision.float(fromHalfBits: 0x7C00) == .infinity)
        #expect(HalfPrecision.float(fromHalfBits: 0x7E00).isNaN)
        #expect(HalfPrecision.float(fromBFloat16Bits: 0x3F80) == 1)
        #expect(HalfPrecision.float(fromBFloat16Bits: 0xC040) == -3)
    }
}
