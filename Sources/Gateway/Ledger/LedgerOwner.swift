import Foundation

/// The process that holds a reservation: a gateway instance and when this run of it started. A reservation whose
/// owner is not the running process belongs to a job that died with an earlier process.
public struct LedgerOwner: Sendable, Hashable, Codable {
    /// A name for the gateway instance (host name or a configured id).
    public let instanceID: String
    /// When this process started, to tell a restart of the same instance from the running one.
    public let processStartedAt: Date

    public init(instanceID: String, processStartedAt: Date) {
        self.instanceID = instanceID
        self.processStartedAt = processStartedAt
    }
}
