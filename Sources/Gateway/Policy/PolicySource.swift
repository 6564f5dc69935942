/// The text of one policy file and its name inside the policy folder.
public struct PolicySource: Sendable, Hashable {
    /// The file name, e.g. `tiers.yaml`; diagnostics use it as the file part of `file:line:column`.
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
