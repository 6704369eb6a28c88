// swift-tools-version: 6.1
import PackageDescription

/// Micro-benchmarks of the bridge's pure translations (1MSG send → Cloud message, Meta webhook → 1MSG events, the
/// lenient body decoder), with ordo-one/benchmark. Built and run in release by `scripts/microbench`
/// (`swift package --package-path Benchmarks benchmark`); a package of its own that depends on the root one by path,
/// so the root build and CI never build the benchmark tooling.
let package = Package(
    name: "onemsg-bridge-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "onemsg-bridge", path: ".."),
        // The malloc interposer gives the allocation counts; the runtime interposer (ARC counts) is not on this machine.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The steps measured, on inputs from fixtures/; shared by the benchmarks and by translation-steps.
        .target(
            name: "TranslationSteps",
            dependencies: [
                .product(name: "OneMsg", package: "onemsg-bridge"),
                .product(name: "Cloud", package: "onemsg-bridge"),
                .product(name: "Translation", package: "onemsg-bridge"),
            ],
            path: "Steps"
        ),
        .executableTarget(
            name: "Translations",
            dependencies: [
                "TranslationSteps",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Translations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Runs one step N times without the harness (nor its malloc interposer), for callgrind's instruction counts.
        // Not in a folder whose parent is named Benchmarks: the plugin runs every such executable as a benchmark.
        .executableTarget(
            name: "translation-steps",
            dependencies: ["TranslationSteps"],
            path: "Tools/translation-steps"
        ),
    ]
)
