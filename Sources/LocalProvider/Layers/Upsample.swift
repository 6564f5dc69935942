/// Nearest-neighbour upsampling of NCHW tensors by an integer factor.
enum Upsample {
    /// Repeats every pixel of `input` (`[N, C, H, W]`) `factor x factor` times.
    static func nearest(_ input: Tensor, factor: Int = 2) -> Tensor {
        precondition(input.shape.count == 4 && factor >= 1)
        let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (outHeight, outWidth) = (height * factor, width * factor)
        return Tensor(shape: [input.shape[0], input.shape[1], outHeight, outWidth]) { output in
            let out = output.baseAddress!
            input.scalars.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                Parallel.forRanges(count: planes, minimumPerChunk: max(1, 65_536 / max(1, outHeight * outWidth))) {
                    range in
                    for plane in range {
                        for y in 0..<outHeight {
                            let line = source + (plane * height + y / factor) * width
                            let target = out + (plane * outHeight + y) * outWidth
                            for x in 0..<outWidth { target[x] = line[x / factor] }
                        }
                    }
                }
            }
        }
    }
}
