import CZlib

/// Decompresses gzip data (CLIP ships its BPE merges as `bpe_simple_vocab_16e6.txt.gz`).
enum Gzip {
    /// The largest output accepted, so a hostile file cannot exhaust memory.
    static let maximumOutput = 64 << 20

    static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TokenizerError.invalidMerges("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            var status = Z_OK
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if output.count > maximumOutput { return Z_MEM_ERROR }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }
            }
            return status
        }
        guard status == Z_STREAM_END else {
            throw TokenizerError.invalidMerges("the gzip data is corrupt or truncated (zlib status \(status))")
        }
        return output
    }
}
