import CoreMetrics
import Foundation
import Gateway
import Locking
import Testing

/// Policy files for tests: a small valid set, with any file replaced or added.
enum PolicyFixtures {
    static let base: [String: String] = [
        "auth.yaml": """
        auth:
          issuers:
            - name: dev
              issuers: ["http://127.0.0.1:8080/dev"]
              jwks_url: "http://127.0.0.1:8080/dev/jwks.json"
              client_ids: [dev]
        """,
        "providers.yaml": """
        providers:
          - name: local
            kind: local
        """,
        "tiers.yaml": """
        tiers:
          - name: free
            providers: [local]
            limits:
              images_per_day: 20
        """,
        "users.yaml": """
        users:
          - default: true
            tier: free
        """,
    ]

    /// The base set with `files` replacing or adding files, sorted by name as the loader reads a folder.
    static func sources(_ files: [String: String] = [:]) -> [PolicySource] {
        base.merging(files) { $1 }.sorted { $0.key < $1.key }.map { PolicySource(name: $0.key, text: $0.value) }
    }

    /// Every diagnostic for the base set with `files` replaced or added.
    static func diagnostics(_ files: [String: String]) -> [PolicyDiagnostic] {
        PolicyLoader.check(sources(files)).diagnostics
    }

    /// The one diagnostic with `code`, recording a test failure unless there is exactly one.
    static func single(
        _ code: PolicyDiagnostic.Code, in files: [String: String],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> PolicyDiagnostic? {
        let found = diagnostics(files).filter { $0.code == code }
        #expect(found.count == 1, "expected one \(code) in \(diagnostics(files))", sourceLocation: sourceLocation)
        return found.first
    }

    /// Writes the base set (with `files` replaced or added) into a new temporary folder.
    static func temporaryFolder(_ files: [String: String] = [:]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("policy-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in base.merging(files, uniquingKeysWith: { $1 }) {
            try write(text, to: folder.appendingPathComponent(name))
        }
        return folder
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }
}

/// A test double for swift-metrics that keeps the last value of each gauge and the total of each counter.
final class RecordingMetrics: MetricsFactory {
    private let values = LockedState<[String: Double]>([:])

    func value(_ label: String) -> Double? { values.withLock { $0[label] } }

    fileprivate func set(_ label: String, _ value: Double) { values.withLock { $0[label] = value } }
    fileprivate func add(_ label: String, _ amount: Double) { values.withLock { $0[label, default: 0] += amount } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(label: label, metrics: self)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(label: label, metrics: self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(label: label, metrics: self)
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Handler: CounterHandler, RecorderHandler, TimerHandler {
        let label: String
        let metrics: RecordingMetrics
        init(label: String, metrics: RecordingMetrics) {
            self.label = label
            self.metrics = metrics
        }
        func increment(by amount: Int64) { metrics.add(label, Double(amount)) }
        func reset() { metrics.set(label, 0) }
        func record(_ value: Int64) { metrics.set(label, Double(value)) }
        func record(_ value: Double) { metrics.set(label, value) }
        func recordNanoseconds(_ duration: Int64) { metrics.set(label, Double(duration)) }
    }
}
