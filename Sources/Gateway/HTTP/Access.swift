import AuthKit

/// What the policy grants one signed-in identity for the current request: its tier (limits and provider
/// chain), the rule that chose it, and whether it is an admin. Taken from one policy snapshot.
public struct Access: Sendable {
    public var policy: Policy
    public var resolution: PolicyResolution
    public var tier: PolicyTier

    /// The quota owner: issuer and subject.
    public var user: UserKey
}
