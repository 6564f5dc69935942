import Foundation
import Providers

/// One image generation job as stored: who asked for what, where it stands, what it cost, and how it ended.
public struct Job: Sendable, Hashable {
    public var id: JobID
    public var user: UserKey
    public var email: String?
    public var request: GenerationRequest
    /// The provider the caller asked for first, if any.
    public var providerHint: String?
    public var idempotencyKey: String?
    public var status: JobStatus
    public var progressStep: Int
    public var progressTotal: Int
    /// The provider that made (or last tried) the image.
    public var provider: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// What the user was charged, in micro-dollars.
    public var costMicros: Int64
    public var errorCode: String?
    public var errorMessage: String?
    /// The image's media type once there is one.
    public var imageMediaType: String?

    /// Whether the job has an image to download.
    public var hasImage: Bool { imageMediaType != nil }
}
