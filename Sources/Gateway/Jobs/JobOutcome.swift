/// How a job ended, as `JobStore.finish` writes it.
struct JobOutcome: Sendable {
    var status: JobStatus
    var provider: String?
    var costMicros: Int64
    var errorCode: String?
    var errorMessage: String?
    var image: [UInt8]?
    var imageMediaType: String?
}
