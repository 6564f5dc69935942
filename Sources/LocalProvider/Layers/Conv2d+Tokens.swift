/// A 1x1 convolution between the image layout (`[N, C, H, W]`) and the token layout (`[N, H*W, C]`) in one product:
/// a spatial transformer's input and output projections (SD 1.x's `proj_in` and `proj_out`) change layout as they
/// project, and the GEMM reads or writes the transposed side directly, with no transposed copy of the activations.
extension Conv2d {
    /// `self(image).imageToTokens()` for a 1x1, stride-1, unpadded convolution.
    func pointwiseToTokens(_ image: Tensor) -> Tensor {
        checkPointwise(image.shape.count == 4 && image.shape[1] == inputChannels, image.shape)
        let (batch, plane) = (image.shape[0], image.shape[2] * image.shape[3])
        let (inputs, outputs) = (inputChannels, outputChannels)
        return Tensor(shape: [batch, plane, outputs]) { output in
            image.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    for item in 0..<batch {
                        let target = output.baseAddress! + item * plane * outputs
                        if let bias {
                            bias.scalars.withUnsafeBufferPointer { bias in
                                for token in 0..<plane {
                                    (target + token * outputs).update(from: bias.baseAddress!, count: outputs)
                                }
                            }
                        }
                        // tokens (plane x out) = image^T (plane x in) * W^T (in x out)
                        BLAS.gemm(
                            transposeA: true, transposeB: true, m: plane, n: outputs, k: inputs,
                            a: x.baseAddress! + item * inputs * plane, lda: plane, b: w.baseAddress!, ldb: inputs,
                            beta: bias == nil ? 0 : 1, c: target, ldc: outputs)
                    }
                }
            }
        }
    }

    /// `self(tokens.tokensToImage(height: height, width: width))` for a 1x1, stride-1, unpadded convolution.
    func pointwiseFromTokens(_ tokens: Tensor, height: Int, width: Int) -> Tensor {
        checkPointwise(
            tokens.shape.count == 3 && tokens.shape[1] == height * width && tokens.shape[2] == inputChannels,
            tokens.shape)
        let (batch, plane) = (tokens.shape[0], height * width)
        let (inputs, outputs) = (inputChannels, outputChannels)
        return Tensor(shape: [batch, outputs, height, width]) { output in
            tokens.scalars.withUnsafeBufferPointer { x in
                weight.scalars.withUnsafeBufferPointer { w in
                    for item in 0..<batch {
                        let target = output.baseAddress! + item * outputs * plane
                        fillBias(target, plane: plane)
                        // image (out x plane) = W (out x in) * tokens^T (in x plane)
                        BLAS.gemm(
                            transposeB: true, m: outputs, n: plane, k: inputs, a: w.baseAddress!, lda: inputs,
                            b: x.baseAddress! + item * plane * inputs, ldb: inputs, beta: bias == nil ? 0 : 1,
                            c: target, ldc: plane)
                    }
                }
            }
        }
    }

    private func checkPointwise(_ inputFits: Bool, _ shape: [Int]) {
        precondition(
            kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0,
            "a layout-changing projection needs a 1x1 convolution, not \(weightShape) with stride \(stride)")
        precondition(inputFits, "1x1 convolution of \(weightShape) got \(shape)")
    }
}
