import Foundation

/// A calendar month in UTC, as ops name it: `2026-11`.
public struct UTCMonth: Sendable, Hashable, Codable, CustomStringConvertible {
    public let year: Int
    /// 1...12
    public let month: Int

    /// The month `year-month`, or nil when `month` is not 1...12 or the year is outside 1...9999.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The UTC month that holds `date`.
    public init(containing date: Date) {
        let days = UTCCalendar.floorDivide(date.unixSeconds, UTCCalendar.secondsPerDay)
        let civil = UTCCalendar.civil(days: days)
        self.year = Int(civil.year)
        self.month = Int(civil.month)
    }

    /// The first second of the month, in Unix seconds.
    var startSeconds: Int64 {
        UTCCalendar.days(year: Int64(year), month: Int64(month), day: 1) * UTCCalendar.secondsPerDay
    }

    public var description: String {
        "\(UTCCalendar.padded(Int64(year), 4))-\(UTCCalendar.padded(Int64(month), 2))"
    }
}

extension UTCMonth {
    /// Encoded as its `YYYY-MM` text.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let month = UTCMonth(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected YYYY-MM, got \(text)")
        }
        self = month
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
