import Benchmark

/// The suite the BenchmarkPlugin's generated `main` registers: every benchmark measures one pure step per inner
/// iteration (`scalingFactor: .kilo`, so the numbers shown are per operation), for about a second each.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )
    SendBenchmarks.register()
    InboundBenchmarks.register()
    BodyBenchmarks.register()
}
