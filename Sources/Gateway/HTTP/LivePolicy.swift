/// Where request handling reads the policy in force; a reload swaps what `policy` returns.
public protocol LivePolicy: Sendable {
    /// The policy in force now; read once per request so one request sees one policy.
    var policy: Policy { get }
}
