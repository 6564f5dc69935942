import Foundation

/// How the live policy came to be and how the last reload went, as the admin API shows it.
struct PolicyReloadView: Codable, Sendable {
    struct Failure: Codable {
        var failedAt: Date
        var trigger: String
        var errors: [String]
        enum CodingKeys: String, CodingKey {
            case trigger, errors
            case failedAt = "failed_at"
        }
    }

    var version: Int
    var loadedAt: Date
    var loadedBy: String
    var files: [String]
    var healthy: Bool
    var lastError: Failure?

    enum CodingKeys: String, CodingKey {
        case version, files, healthy
        case loadedAt = "loaded_at"
        case loadedBy = "loaded_by"
        case lastError = "last_error"
    }

    init(_ status: PolicyReloadStatus) {
        version = status.version
        loadedAt = status.loadedAt
        loadedBy = status.loadedBy.rawValue
        files = status.files
        healthy = status.isHealthy
        lastError = status.lastError.map {
            Failure(
                failedAt: $0.failedAt, trigger: $0.trigger.rawValue,
                errors: $0.diagnostics.filter { $0.severity == .error }.map { "\($0)" })
        }
    }
}
