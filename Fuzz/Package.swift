// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for the gateway's parsers of untrusted input, one executable each. A package of its own so
/// that ordinary builds never link libFuzzer; `scripts/fuzz.sh` builds it with `-sanitize=fuzzer,address`.
let package = Package(
    name: "diffusion-gateway-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "diffusion-gateway", path: "..")],
    targets: [
        // libFuzzer's driver entry point, declared for Swift; the library comes with `-sanitize=fuzzer`.
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(
            name: "FuzzToken",
            dependencies: ["FuzzSupport", .product(name: "AuthKit", package: "diffusion-gateway")]),
        .executableTarget(
            name: "FuzzPolicy",
            dependencies: ["FuzzSupport", .product(name: "Gateway", package: "diffusion-gateway")]),
        .executableTarget(
            name: "FuzzRequests",
            dependencies: [
                "FuzzSupport", .product(name: "Gateway", package: "diffusion-gateway"),
                .product(name: "Providers", package: "diffusion-gateway"),
            ]),
        .executableTarget(
            name: "FuzzSafetensors",
            dependencies: ["FuzzSupport", .product(name: "LocalProvider", package: "diffusion-gateway")]),
        .executableTarget(
            name: "FuzzBananaReply",
            dependencies: ["FuzzSupport", .product(name: "Providers", package: "diffusion-gateway")]),
    ]
)
