/// A 2-D convolution over NCHW tensors (weights `[out, in, kh, kw]`): Winograd for 3x3 stride-1 kernels on
/// images large enough for it, im2col + GEMM otherwise.
struct Conv2d: Sendable {
    /// The kernels, `[out, in, kh, kw]`: converted to float32, or in the mapped file, converted when a call reads
    /// them (Winograd's weight transform then reads the file directly, with no float32 copy of the whole).
    enum Weights: Sendable {
        case converted(Tensor)
        case mapped(TensorElements)
    }

    let weights: Weights
    let weightShape: [Int]
    let bias: Tensor?
    let stride: Int
    let padding: Int

    var outputChannels: Int { weightShape[0] }
    var inputChannels: Int { weightShape[1] }
    var kernelHeight: Int { weightShape[2] }
    var kernelWidth: Int { weightShape[3] }

    /// The kernels as float32 (mapped ones are converted by this call).
    var weight: Tensor {
        switch weights {
        case .converted(let weight): weight
        case .mapped(let elements): elements.tensor()
        }
    }

    init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        self.init(weights: .converted(weight), shape: weight.shape, bias: bias, stride: stride, padding: padding)
    }

    init(weights: Weights, shape: [Int], bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        precondition(shape.count == 4, "conv2d weight must be 4-D, got \(shape)")
        precondition(bias == nil || bias!.shape == [shape[0]], "conv2d bias does not match \(shape)")
        precondition(stride >= 1 && padding >= 0)
        self.weights = weights
        self.weightShape = shape
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    /// Loads `<prefix>.weight` and `<prefix>.bias` for a square `kernel` convolution; with mapped residency the
    /// kernels stay in the file until a call reads them.
    init(
        _ weights: WeightLoader, _ prefix: String, input: Int, output: Int, kernel: Int, stride: Int = 1,
        padding: Int = 0
    ) throws {
        let shape = [output, input, kernel, kernel]
        let bias = try weights.tensor("\(prefix).bias", shape: [output])
        let kernels: Weights =
            switch weights.residency {
            case .resident: .converted(try weights.tensor("\(prefix).weight", shape: shape))
            case .mapped: .mapped(try weights.elements("\(prefix).weight", shape: shape))
            }
        self.init(weights: kernels, shape: shape, bias: bias, stride: stride, padding: padding)
    }

    /// Convolves `input` (`[N, C_in, H, W]`), giving `[N, C_out, H_out, W_out]`, with the fastest algorithm for
    /// the shape unless `algorithm` names one.
    func callAsFunction(_ input: Tensor, algorithm: ConvolutionAlgorithm = .automatic) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == inputChannels, "conv2d got \(input.shape)")
        switch algorithm {
        case .automatic:
            if let tile = winogradTile(for: input) { return winograd(input, tile: tile) }
            return columnsGEMM(input)
        case .im2col: return columnsGEMM(input)
        case .winograd2x2: return winograd(input, tile: .f2)
        case .winograd4x4: return winograd(input, tile: .f4)
        }
    }

    /// The Winograd variant that beats im2col + GEMM for `input`, or nil (not 3x3 stride 1, or too few tiles:
    /// the transforms and thin GEMMs then cost more than they save).
    func winogradTile(for input: Tensor) -> WinogradTile? {
        guard kernelHeight == 3 && kernelWidth == 3 && stride == 1 else { return nil }
        let pixels = input.shape[0] * (input.shape[2] + 2 * padding - 2) * (input.shape[3] + 2 * padding - 2)
        if pixels / 16 >= Self.winograd4x4MinimumTiles { return .f4 }
        if pixels / 4 >= Self.winograd2x2MinimumTiles { return .f2 }
        return nil
    }

    /// The largest output plane whose images share one im2col GEMM: below it, one product per image is too thin
    /// for OpenBLAS (1280 x 64 x 11520 ran at ~140 GFLOP/s here; the performance notes give 154 for 1280 x 128).
    static let batchedColumnsMaximumPlane = 256

    /// im2col + GEMM: every receptive field as a column, weights on the left; one product per image, or one for
    /// the whole batch when the output planes are small.
    private func columnsGEMM(_ input: Tensor) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let outHeight = (height + 2 * padding - kernelHeight) / stride + 1
        let outWidth = (width + 2 * padding - kernelWidth) / stride + 1
        let outPlane = outHeight * outWidth
        if batch > 1 && outPlane <= Self.batchedColumnsMaximumPlane {
            return batchedColumnsGEMM(input, outHeight: outHeight, outWidth: outWidth)
        }
        let patch = inputChannels * kernelHeight * kernelWidth
        let isPointwise = kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0
        // Every element is written by imageToColumns before the GEMM reads it, so skip the zero fill.
        var columns =
            isPointwise
            ? [] : [Float](unsafeUninitializedCapacity: patch * outPlane) { _, count in count = patch * outPlane }
        let outputs = outputChannels
        let inputPlane = inputChannels * height * width
        return Tensor(shape: [batch, outputs, outHeight, outWidth]) { output in
            let out = output.baseAddress!
            input.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    for image in 0..<batch {
                        let target = out + image * outputs * outPlane
                        fillBias(target, plane: outPlane)
                        let source = x.baseAddress! + image * inputPlane
                        if isPointwise {
                            BLAS.gemm(
                                m: outputs, n: outPlane, k: patch, a: w.baseAddress!, lda: patch, b: source,
                                ldb: outPlane, beta: bias == nil ? 0 : 1, c: target, ldc: outPlane)
                            continue
                        }
                        columns.withUnsafeMutableBufferPointer { columns in
                            imageToColumns(
                                source, height: height, width: width, outHeight: outHeight, outWidth: outWidth,
                                into: columns.baseAddress!, rowStride: outPlane)
                            BLAS.gemm(
                                m: outputs, n: outPlane, k: patch, a: w.baseAddress!, lda: patch,
                                b: columns.baseAddress!, ldb: outPlane, beta: bias == nil ? 0 : 1, c: target,
                                ldc: outPlane)
                        }
                    }
                }
            }
        }
    }

    /// One GEMM for every image of the batch: the columns of all images side by side
    /// (`[patch][image][plane]`), the product `[out][image][plane]` then scattered into NCHW with the bias.
    private func batchedColumnsGEMM(_ input: Tensor, outHeight: Int, outWidth: Int) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let outPlane = outHeight * outWidth
        let span = batch * outPlane
        let patch = inputChannels * kernelHeight * kernelWidth
        let outputs = outputChannels
        let inputPlane = inputChannels * height * width
        var columns = [Float](unsafeUninitializedCapacity: patch * span) { _, count in count = patch * span }
        var product = [Float](unsafeUninitializedCapacity: outputs * span) { _, count in count = outputs * span }
        columns.withUnsafeMutableBufferPointer { columns in
            input.scalars.withUnsafeBufferPointer { x in
                for image in 0..<batch {
                    imageToColumns(
                        x.baseAddress! + image * inputPlane, height: height, width: width, outHeight: outHeight,
                        outWidth: outWidth, into: columns.baseAddress! + image * outPlane, rowStride: span)
                }
            }
            product.withUnsafeMutableBufferPointer { product in
                weight.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(
                        m: outputs, n: span, k: patch, a: w.baseAddress!, lda: patch, b: columns.baseAddress!,
                        ldb: span, c: product.baseAddress!, ldc: span)
                }
            }
        }
        return Tensor(shape: [batch, outputs, outHeight, outWidth]) { output in
            product.withUnsafeBufferPointer { product in
                for image in 0..<batch {
                    for channel in 0..<outputs {
                        let source = product.baseAddress! + channel * span + image * outPlane
                        let target = output.baseAddress! + (image * outputs + channel) * outPlane
                        let offset = bias?.scalars[channel] ?? 0
                        for index in 0..<outPlane { target[index] = source[index] + offset }
                    }
                }
            }
        }
    }

    /// Writes each output channel's bias over its `plane` pixels of one image at `target` (nothing without a bias).
    func fillBias(_ target: UnsafeMutablePointer<Float>, plane: Int) {
        guard let bias else { return }
        for channel in 0..<outputChannels {
            (target + channel * plane).update(repeating: bias.scalars[channel], count: plane)
        }
    }

    /// Lays out every receptive field as a column: row `(c, ky, kx)` (`rowStride` apart), column `(oy, ox)`;
    /// zero outside the image.
    private func imageToColumns(
        _ source: UnsafePointer<Float>, height: Int, width: Int, outHeight: Int, outWidth: Int,
        into columns: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        let (kernelHeight, kernelWidth, stride, padding) = (kernelHeight, kernelWidth, stride, padding)
        let outPlane = outHeight * outWidth
        let rowsPerChannel = kernelHeight * kernelWidth
        Parallel.forRanges(count: inputChannels, minimumPerChunk: max(1, 65_536 / max(1, rowsPerChannel * outPlane))) {
            channels in
            for channel in channels {
                let plane = source + channel * height * width
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        let row = columns + ((channel * kernelHeight + ky) * kernelWidth + kx) * rowStride
                        for oy in 0..<outHeight {
                            let y = oy * stride + ky - padding
                            let target = row + oy * outWidth
                            guard y >= 0 && y < height else {
                                target.update(repeating: 0, count: outWidth)
                                continue
                            }
                            let line = plane + y * width
                            for ox in 0..<outWidth {
                                let x = ox * stride + kx - padding
                                target[ox] = (x >= 0 && x < width) ? line[x] : 0
                            }
                        }
                    }
                }
            }
        }
    }
}
