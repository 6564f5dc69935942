import Foundation
import Gateway
import Logging
import Metrics

// Measures a full policy reload (read + parse + validate + swap) and one tier resolution, with
// 10,000 user rules generated into a temporary folder. Run through scripts/bench-policy.sh (release build).

let ruleCount = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000
let reloads = 20
let lookups = 2_000_000

/// The policy folder: the shipped-style files plus a users.yaml of `ruleCount` rules of every kind.
func makeFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-bench-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    try write("providers.yaml", "providers:\n  - name: local\n    kind: local\n")
    try write(
        "tiers.yaml",
        """
        tiers:
          - name: free
            providers: [local]
            limits: {images_per_day: 20, spend_per_month_usd: 5}
          - name: team
            providers: [local]
            limits: {images_per_day: 200, spend_per_month_usd: 50.25}

        """)
    try write(
        "auth.yaml",
        "auth:\n  issuers:\n    - {name: dev, issuers: [dev], jwks_url: \"http://127.0.0.1/j\", client_ids: [dev]}\n")
    var users = "users:\n"
    for index in 0..<(ruleCount - 1) {
        let tier = index % 2 == 0 ? "free" : "team"
        switch index % 10 {
        case 0..<7: users += "  - email: user\(index)@example.com\n    tier: \(tier)\n"
        case 7: users += "  - email_domain: d\(index).example.org\n    tier: \(tier)\n"
        case 8: users += "  - email_domain: \"*.s\(index).example.net\"\n    tier: \(tier)\n"
        default: users += "  - hosted_domain: w\(index).example.edu\n    tier: \(tier)\n"
        }
    }
    users += "  - default: true\n    tier: free\n"
    try write("users.yaml", users)
    return folder
}

/// CPU seconds this process has used on all threads; less sensitive than wall time to other load on the machine.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let folder = try makeFolder()
defer { try? FileManager.default.removeItem(at: folder) }
let clock = ContinuousClock()

var quiet = Logger(label: "policy-bench")
quiet.logLevel = .warning
let store = try PolicyStore(directory: folder.path, metricsFactory: NOOPMetricsHandler.instance, logger: quiet)
var reloadTimes: [Double] = []
var reloadCPU: [Double] = []
for _ in 0..<reloads {
    let cpuBefore = processCPUSeconds()
    let elapsed = await clock.measure { _ = await store.reload(trigger: .admin) }
    reloadCPU.append(processCPUSeconds() - cpuBefore)
    reloadTimes.append(seconds(elapsed))
}
precondition(store.status.isHealthy && store.status.version == reloads + 1)

let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
    PolicySource(name: $0, text: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
}
var parseTimes: [Double] = []
var parseCPU: [Double] = []
for _ in 0..<reloads {
    let cpuBefore = processCPUSeconds()
    parseTimes.append(seconds(try clock.measure { _ = try PolicyLoader.load(sources) }))
    parseCPU.append(processCPUSeconds() - cpuBefore)
}

let policy = store.policy
let identities: [(String, String?)] = (0..<1024).map { index in
    switch index % 4 {
    case 0: ("user\(index * 7 % (ruleCount * 7 / 10))@example.com", nil)
    case 1: ("someone@x.s\(index * 10 % ruleCount + 8).example.net", nil)
    case 2: ("someone@elsewhere.com", "w\(index * 10 % ruleCount + 9).example.edu")
    default: ("nobody@nowhere.invalid", nil)
    }
}
var matched = 0
let lookupCPUBefore = processCPUSeconds()
let lookupTime = clock.measure {
    for round in 0..<lookups {
        let (email, hostedDomain) = identities[round & 1023]
        let resolution = policy.resolve(email: email, emailVerified: true, hostedDomain: hostedDomain, subject: "s")
        if resolution.matchedRule?.matcher != .anyone { matched += 1 }
    }
}
let lookupCPU = processCPUSeconds() - lookupCPUBefore

/// `median M ms, min N ms` of a list of seconds.
func summary(_ values: [Double]) -> String {
    String(format: "median %.1f ms, min %.1f ms", median(values) * 1e3, values.min()! * 1e3)
}

let usersBytes = sources.first { $0.name == "users.yaml" }?.text.utf8.count ?? 0
print("rules: \(policy.rules.count), files: \(policy.files.count), users.yaml: \(usersBytes) bytes")
print("reload (read + parse + validate + swap), \(reloads) runs:")
print("  wall \(summary(reloadTimes)); CPU \(summary(reloadCPU))")
print("load from memory (parse + validate), \(reloads) runs:")
print("  wall \(summary(parseTimes)); CPU \(summary(parseCPU))")
let wallNanos = seconds(lookupTime) / Double(lookups) * 1e9
let cpuNanos = lookupCPU / Double(lookups) * 1e9
print(String(format: "resolve, %d lookups: wall %.0f ns, CPU %.0f ns per lookup", lookups, wallNanos, cpuNanos))
print("(\(matched) lookups matched a non-default rule)")
let loadAverage = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
print("load average: \(loadAverage.split(separator: " ").prefix(3).joined(separator: " "))")
