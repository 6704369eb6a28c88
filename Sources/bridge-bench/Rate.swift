import AsyncHTTPClient
import NIOCore
import Synchronization

/// What `mode=rate` sends, where, how fast and for how long.
struct RateOptions: Sendable {
    var url: String
    var body: String
    var contentType: String
    var rate: Double
    var seconds: Double
    /// AsyncHTTPClient's per-host connection soft limit: high enough that the generator's own pool is not the queue.
    var connections: Int
    /// The prefix of the printed keys.
    var label: String
}

extension BridgeBench {
    /// Open loop: request i is started at start + i/rate whatever happened to the earlier ones, and its latency is
    /// measured from that scheduled instant, so time a request spends waiting for the generator or for a free
    /// connection is counted (no coordinated omission).
    static func rate(_ options: RateOptions) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = options.connections
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let body = ByteBuffer(string: options.body)
        @Sendable func send() async -> Bool {
            var request = HTTPClientRequest(url: options.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: options.contentType)
            request.body = .bytes(body)
            guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return false }
            guard (try? await response.body.collect(upTo: 1 << 20)) != nil else { return false }
            return response.status.code == 200
        }
        // A few requests first, so the run does not start by opening connections.
        for _ in 0..<4 { _ = await send() }

        let total = max(1, Int(options.rate * options.seconds))
        let interval = 1.0 / options.rate
        let latencies = Samples(capacity: total)
        let failed = Counter()
        let lateStarts = Counter()
        let start = ContinuousClock.now + .milliseconds(50)
        func scheduled(_ index: Int) -> ContinuousClock.Instant {
            start + .nanoseconds(Int64(Double(index) * interval * 1e9))
        }
        await withDiscardingTaskGroup { group in
            var index = 0
            while index < total {
                let now = ContinuousClock.now
                while index < total, scheduled(index) <= now {
                    let due = scheduled(index)
                    // More than a millisecond behind schedule: the generator itself could not keep up.
                    if now - due > .milliseconds(1) { _ = lateStarts.increment() }
                    group.addTask {
                        let ok = await send()
                        let latency = (ContinuousClock.now - due).seconds * 1000
                        latencies.append(latency)
                        if !ok { _ = failed.increment() }
                    }
                    index += 1
                }
                if index < total { try? await Task.sleep(until: scheduled(index), clock: .continuous) }
            }
        }
        let elapsed = ContinuousClock.now - start
        try await client.shutdown()

        let sorted = latencies.sorted()
        let errors = failed.increment() - 1
        let label = options.label
        print("\(label).requests=\(total) \(label).errors=\(errors) \(label).late_starts=\(lateStarts.increment() - 1)")
        print(
            String(
                format: "\(label).target_per_second=%.0f \(label).achieved_per_second=%.0f", options.rate, Double(total - errors) / elapsed.seconds))
        print(
            String(
                format: "\(label).latency_ms.p50=%.3f \(label).latency_ms.p90=%.3f \(label).latency_ms.p99=%.3f \(label).latency_ms.max=%.3f",
                percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted.last ?? 0))
    }
}

/// Latency samples shared by tasks.
final class Samples: Sendable {
    private let values: Mutex<[Double]>

    init(capacity: Int) {
        var values: [Double] = []
        values.reserveCapacity(capacity)
        self.values = Mutex(values)
    }

    func append(_ value: Double) { values.withLock { $0.append(value) } }

    /// The samples in ascending order.
    func sorted() -> [Double] { values.withLock { $0.sorted() } }
}
