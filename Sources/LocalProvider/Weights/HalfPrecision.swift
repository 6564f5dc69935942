import CEngineKernels

/// Bit-exact widening of IEEE half and bfloat16 values to float32.
enum HalfPrecision {
    /// Widens an IEEE 754 binary16 value (including subnormals, infinities and NaNs).
    static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in float32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }

    /// Widens a bfloat16 value: its bits are the top half of a float32.
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}

extension HalfPrecision {
    /// Widens `count` little-endian IEEE half values at `source` into `target`, bit-exact like
    /// `float(fromHalfBits:)`; large runs are split across cores. The kernel (`engine_widen_halves`) uses
    /// `vcvtph2ps`, 16 halves per instruction, on CPUs with AVX-512, whatever CPU the binary was built for.
    static func widenHalves(_ source: UnsafeRawPointer, into target: UnsafeMutablePointer<Float>, count: Int) {
        Parallel.forRanges(count: count, minimumPerChunk: 1 << 18) { range in
            engine_widen_halves(source + range.lowerBound * 2, target + range.lowerBound, range.count)
        }
    }

    /// Widens `count` little-endian bfloat16 values at `source` into `target`, split across cores when large.
    static func widenBFloat16s(_ source: UnsafeRawPointer, into target: UnsafeMutablePointer<Float>, count: Int) {
        Parallel.forRanges(count: count, minimumPerChunk: 1 << 18) { range in
            for index in range {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                target[index] = Float(bitPattern: UInt32(bits) << 16)
            }
        }
    }
}
