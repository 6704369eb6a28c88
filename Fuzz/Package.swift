// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for the bridge's parsers of untrusted bytes. Built and run by `scripts/fuzz`
/// (`swift build --package-path Fuzz --sanitize fuzzer --sanitize address -Xswiftc -parse-as-library`); not part of
/// the root build, so the root package's `swift build` and `swift test` never need the fuzzer runtime.
let package = Package(
    name: "onemsg-bridge-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "onemsg-bridge", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "FuzzLenientBody",
            dependencies: [.product(name: "OneMsg", package: "onemsg-bridge")]
        ),
        .executableTarget(
            name: "FuzzMultipart",
            dependencies: [.product(name: "OneMsg", package: "onemsg-bridge")]
        ),
        .executableTarget(
            name: "FuzzCloudSurface",
            dependencies: [
                .product(name: "Cloud", package: "onemsg-bridge"),
                .product(name: "JSONValue", package: "onemsg-bridge"),
                .product(name: "Translation", package: "onemsg-bridge"),
            ]
        ),
        .executableTarget(
            name: "FuzzCloudWebhook",
            dependencies: [
                .product(name: "Cloud", package: "onemsg-bridge"),
                .product(name: "Translation", package: "onemsg-bridge"),
            ]
        ),
    ]
)
