import Benchmark
import TranslationSteps

/// The suite the BenchmarkPlugin's generated `main` registers, one benchmark per ``Step``: each sample runs the step
/// a thousand times (`.kilo`; the metrics marked `*` are per step), for about a second per benchmark.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        timeUnits: .nanoseconds,
        warmupIterations: 1,
        // A thousand steps a sample: the harness's own allocations inside the measured region (16 a sample here)
        // then add 0.016 a step, not 16.
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )
    for step in Step.all() {
        Benchmark(step.name) { benchmark throws in
            for _ in benchmark.scaledIterations {
                try step.run()
            }
        }
    }
}
