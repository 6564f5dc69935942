import Foundation

extension Date {
    /// Milliseconds since 1970-01-01 UTC, to the nearest (the ledger's time precision).
    var unixMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// Whole seconds since 1970-01-01 UTC of `unixMilliseconds`, rounded down.
    var unixSeconds: Int64 {
        UTCCalendar.floorDivide(unixMilliseconds, 1000)
    }

    init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000)
    }

    init(unixSeconds: Int64) {
        self.init(timeIntervalSince1970: Double(unixSeconds))
    }
}
