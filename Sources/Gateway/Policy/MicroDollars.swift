/// Exact conversion of USD amounts written as decimals (`0.00026`) to integer micro-dollars (`260`).
///
/// Parses the text digit by digit, never through `Double`, so no amount is ever rounded.
public enum MicroDollars {
    /// Micro-dollars in one US dollar.
    public static let perDollar: Int64 = 1_000_000

    /// Why a text is not an exact, non-negative USD amount.
    public enum ParseFailure: Error, Sendable, Hashable {
        /// Not a plain decimal such as `12`, `0.5` or `0.00026` (exponents and separators are refused).
        case notADecimal
        /// Below zero.
        case negative
        /// More than six decimal places: finer than a micro-dollar.
        case tooPrecise
        /// Larger than the ledger can count.
        case tooLarge
    }

    /// Parses `text` (`"0.00026"`) into micro-dollars (`260`).
    public static func parse(_ text: String) -> Result<Int64, ParseFailure> {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if scalars.first == "-" {
            negative = true
            scalars = scalars.dropFirst()
        } else if scalars.first == "+" {
            scalars = scalars.dropFirst()
        }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : Substring.UnicodeScalarView()[...]
        let isDigit: (Unicode.Scalar) -> Bool = { $0.value >= 48 && $0.value <= 57 }
        guard !whole.isEmpty, whole.allSatisfy(isDigit), parts.count == 1 || !fraction.isEmpty,
            fraction.allSatisfy(isDigit)
        else { return .failure(.notADecimal) }
        if negative { return .failure(.negative) }
        let significantFraction = fraction.reversed().drop(while: { $0 == "0" }).reversed()
        guard significantFraction.count <= 6 else { return .failure(.tooPrecise) }
        var micros: Int64 = 0
        for digit in whole {
            let (shifted, overflowShift) = micros.multipliedReportingOverflow(by: 10)
            let (added, overflowAdd) = shifted.addingReportingOverflow(Int64(digit.value - 48))
            if overflowShift || overflowAdd { return .failure(.tooLarge) }
            micros = added
        }
        let (scaled, overflowScale) = micros.multipliedReportingOverflow(by: perDollar)
        if overflowScale { return .failure(.tooLarge) }
        var fractionMicros: Int64 = 0
        for (position, digit) in significantFraction.enumerated() {
            var place: Int64 = 100_000
            for _ in 0..<position { place /= 10 }
            fractionMicros += Int64(digit.value - 48) * place
        }
        let (total, overflowTotal) = scaled.addingReportingOverflow(fractionMicros)
        return overflowTotal ? .failure(.tooLarge) : .success(total)
    }

    /// Formats micro-dollars as a USD decimal without trailing zeros: `260` -> `"0.00026"`.
    public static func format(_ micros: Int64) -> String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(perDollar)
        let fraction = magnitude % UInt64(perDollar)
        guard fraction != 0 else { return "\(sign)\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }
}
