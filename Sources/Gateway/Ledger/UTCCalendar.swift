/// UTC calendar arithmetic for quota windows, on Unix seconds: exact for any date, leap years included, and free
/// of time zones and locale.
enum UTCCalendar {
    static let secondsPerDay: Int64 = 86_400

    static func minuteStart(_ seconds: Int64) -> Int64 {
        floorDivide(seconds, 60) * 60
    }

    static func dayStart(_ seconds: Int64) -> Int64 {
        floorDivide(seconds, secondsPerDay) * secondsPerDay
    }

    static func monthStart(_ seconds: Int64) -> Int64 {
        let date = civil(days: floorDivide(seconds, secondsPerDay))
        return days(year: date.year, month: date.month, day: 1) * secondsPerDay
    }

    static func nextMonthStart(_ seconds: Int64) -> Int64 {
        let date = civil(days: floorDivide(seconds, secondsPerDay))
        let (year, month) = date.month == 12 ? (date.year + 1, 1) : (date.year, date.month + 1)
        return days(year: year, month: month, day: 1) * secondsPerDay
    }

    /// `YYYY-MM-DD` of the UTC day holding `seconds`.
    static func dayText(_ seconds: Int64) -> String {
        let date = civil(days: floorDivide(seconds, secondsPerDay))
        return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
