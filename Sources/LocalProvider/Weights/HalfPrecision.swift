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
    /// `float(fromHalfBits:)`; large runs are split across cores.
    static func widenHalves(_ source: UnsafeRawPointer, into target: UnsafeMutablePointer<Float>, count: Int) {
        Parallel.forRanges(count: count, minimumPerChunk: 1 << 18) { range in
            var start = range.lowerBound
            #if ENGINE_AVX512
                // 16 halves per `vcvtph2ps` (x86, little-endian). It quiets signalling NaNs, so a vector holding an
                // infinity or a NaN goes through the exact loop instead.
                while start + 16 <= range.upperBound {
                    let bits = source.loadUnaligned(fromByteOffset: start * 2, as: SIMD16<UInt16>.self)
                    if any(bits & 0x7C00 .== 0x7C00) {
                        widenExactly(source, into: target, start..<(start + 16))
                    } else {
                        let widened = SIMD16<Float>(unsafeBitCast(bits, to: SIMD16<Float16>.self))
                        UnsafeMutableRawPointer(target + start).storeBytes(of: widened, as: SIMD16<Float>.self)
                    }
                    start += 16
                }
            #endif
            widenExactly(source, into: target, start..<range.upperBound)
        }
    }

    /// The portable loop of `widenHalves`: branch-free, so it vectorises on any CPU.
    private static func widenExactly(
        _ source: UnsafeRawPointer, into target: UnsafeMutablePointer<Float>, _ range: Range<Int>
    ) {
        for index in range {
            let half = source.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)
            let bits = UInt32(UInt16(littleEndian: half))
            let sign = (bits & 0x8000) << 16
            // Exponent and mantissa moved into float32's fields, then rescaled by 2^(127 - 15): exact for
            // normal and subnormal halves alike. Infinities and NaNs keep an all-ones exponent instead.
            let scaled = Float(bitPattern: (bits & 0x7FFF) << 13) * 0x1p112
            let special = sign | 0x7F80_0000 | ((bits & 0x3FF) << 13)
            target[index] = Float(bitPattern: (bits & 0x7C00) == 0x7C00 ? special : scaled.bitPattern | sign)
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
