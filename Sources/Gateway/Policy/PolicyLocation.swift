/// Where something was written in the policy files: a file name and a 1-based line and column.
public struct PolicyLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's name inside the policy folder, e.g. `tiers.yaml`.
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and CI logs link to.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: PolicyLocation, rhs: PolicyLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
