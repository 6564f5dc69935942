// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The CPU the engine's numeric code is compiled for: `ENGINE_TARGET_CPU` when set (`x86-64` builds a binary for
/// any x86-64 CPU, e.g. an image built on one machine and run on others), else `skylake-avx512` when this machine
/// has AVX-512 (its 16-lane SIMD loops then run as single 512-bit instructions: 25 % off attention, 2.5x on group
/// norm), else the toolchain's default. Such a binary stops with an illegal instruction on a CPU without AVX-512.
/// (The C kernels in CEngineKernels choose their instructions at run time instead.)
let engineTargetCPU: String? = {
    if let named = Context.environment["ENGINE_TARGET_CPU"] { return named.isEmpty ? nil : named }
    #if arch(x86_64) && os(Linux)
        let required = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "fma", "f16c", "bmi2", "movbe"]
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let present = Set(flags.split(separator: " ").map(String.init))
        return required.allSatisfy(present.contains) ? "skylake-avx512" : nil
    #else
        return nil
    #endif
}()

/// The engine's numeric code is compiled optimised even in debug builds: unoptimised Swift
/// arithmetic is tens of times slower, which would make its tests crawl.
let optimisedNumerics: [SwiftSetting] =
    [.unsafeFlags(["-O"] + (engineTargetCPU.map { ["-target-cpu", $0] } ?? []))]

/// PostgreSQL (the shared store) is left out when GATEWAY_WITHOUT_POSTGRES is set: its TLS stack (two copies of
/// BoringSSL) is about a third of a build, and the fuzzing and sanitizer builds (scripts/fuzz.sh,
/// scripts/test-sanitizers.sh, each in its own build folder) test nothing that needs it. Such a build refuses a
/// postgres:// store with a clear error; every other build has it.
let withPostgres = Context.environment["GATEWAY_WITHOUT_POSTGRES"] == nil
let postgresSettings: [SwiftSetting] = withPostgres ? [.define("GATEWAY_POSTGRES")] : []

let package = Package(
    name: "diffusion-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "diffusion-gateway", targets: ["diffusion-gateway"]),
        .library(name: "AuthKit", targets: ["AuthKit"]),
        .library(name: "Providers", targets: ["Providers"]),
        .library(name: "LocalProvider", targets: ["LocalProvider"]),
        .library(name: "Gateway", targets: ["Gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // System libraries: module maps only; each is reached through one small Swift wrapper.
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // The engine's kernels that need instructions Swift cannot name; optimised in every build, like the engine.
        .target(name: "CEngineKernels", cSettings: [.unsafeFlags(["-O2"])]),

        // The lock every module uses (a pthread mutex, which ThreadSanitizer sees; see LockedState).
        .target(name: "Locking"),
        .target(
            name: "HTTPClient",
            dependencies: ["CCurl", "Locking", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "AuthKit",
            dependencies: ["HTTPClient", "COpenSSL", "Locking", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Providers",
            dependencies: ["HTTPClient", "Locking", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "LocalProvider",
            dependencies: [
                "Providers", "CBLAS", "CZlib", "CMalloc", "CEngineKernels", "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: optimisedNumerics),
        .target(
            name: "Gateway",
            dependencies: [
                "AuthKit", "Providers", "LocalProvider", "CSQLite", "CMalloc", "Locking",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ] + (withPostgres ? [.product(name: "PostgresNIO", package: "postgres-nio")] : []),
            resources: [.copy("Web/Assets")],
            swiftSettings: postgresSettings),
        .target(
            name: "Worker",
            dependencies: [
                "Providers", "Locking",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "diffusion-gateway",
            dependencies: [
                "Gateway", "LocalProvider", "Worker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: postgresSettings),

        // Benchmarks: release-build programs that scripts/bench-*.sh run (make bench).
        .executableTarget(
            name: "AuthBenchmarks", dependencies: ["AuthKit"], path: "Benchmarks/AuthBenchmarks"),
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: [
                "Gateway", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Benchmarks/PolicyBenchmarks"),
        .executableTarget(
            name: "ledger-benchmarks", dependencies: ["Gateway"], path: "Benchmarks/LedgerBenchmarks",
            swiftSettings: postgresSettings),
        .executableTarget(
            name: "ProviderBenchmarks",
            dependencies: [
                "Providers", "Worker", "LocalProvider", "Gateway", "AuthKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ProviderBenchmarks"),
        .executableTarget(
            name: "EngineKernelBenchmarks", dependencies: ["LocalProvider"], path: "Benchmarks/EngineKernelBenchmarks",
            swiftSettings: optimisedNumerics),
        .executableTarget(
            name: "GatewayBenchmarks",
            dependencies: [
                "Gateway", "AuthKit", "Providers", "LocalProvider",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/GatewayBenchmarks"),
        .executableTarget(
            name: "EngineBenchmarks", dependencies: ["LocalProvider"], path: "Benchmarks/EngineBenchmarks"),

        // Tests, one target per module; the crash probe is a process the ledger's crash test kills.
        .executableTarget(
            name: "ledger-crash-probe", dependencies: ["Gateway"], path: "Tests/LedgerCrashProbe"),
        .testTarget(
            name: "HTTPClientTests",
            dependencies: [
                "HTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "AuthKitTests",
            dependencies: [
                "AuthKit", "COpenSSL", "HTTPClient", "Locking",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "Providers", "HTTPClient", "LocalProvider", "Worker", "Locking",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "LocalProviderTests",
            dependencies: ["LocalProvider", "Providers", "Locking"],
            exclude: ["Fixtures"],
            swiftSettings: optimisedNumerics),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "AuthKit", "Providers", "LocalProvider", "Worker", "Locking",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
    ]
)

if withPostgres {
    package.targets.append(
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Gateway", "AuthKit", "Providers", "Worker", "HTTPClient", "Locking",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]))
}
