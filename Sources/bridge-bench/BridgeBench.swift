import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Load generator for `scripts/bench`: drives a running bridge over real HTTP and prints `key=value` lines.
///
/// - inbound: up to N signed Meta webhooks (one text message each, C in flight, for at most `seconds=`) →
///   events/s accepted (200 after commit) and events/s delivered to a 1MSG webhook receiver this tool serves.
///   `bridge=` may list several instances, comma-separated: the webhooks are spread over them in turn, as a load
///   balancer would.
/// - sends: M sendMessage calls (C in flight) against a bridge whose Graph URL is a fast upstream.
/// - upstream: a fast Cloud API stand-in (`scripts/bench` uses nginx instead; this stays for quick local runs).
/// - rate: an open-loop generator: POSTs `body=` to `url=` at `rate=` per second for `seconds=`, each request
///   started on its schedule whether or not earlier ones have finished, latency measured from the scheduled start
///   (so a stall counts against every request it delays, not just one).
@main
struct BridgeBench {
    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let mode = arguments["mode"] ?? "inbound"
        let bridge = arguments["bridge"] ?? "http://127.0.0.1:8080"
        let count = Int(arguments["count"] ?? "") ?? 20_000
        let concurrency = Int(arguments["concurrency"] ?? "") ?? 32
        let port = Int(arguments["port"] ?? "") ?? 9911
        let seconds = Double(arguments["seconds"] ?? "") ?? 10
        switch mode {
        case "inbound":
            try await inbound(
                bridge: bridge, appSecret: arguments["app-secret"] ?? "bench-app-secret",
                phoneNumberID: arguments["phone-number-id"] ?? "1001", count: count, concurrency: concurrency,
                seconds: seconds, receiverPort: port)
        case "upstream":
            try await serveUpstream(port: port)
        case "sends":
            try await sends(
                bridge: bridge, channel: arguments["channel"] ?? "bench", token: arguments["token"] ?? "", count: count,
                concurrency: concurrency)
        case "rate":
            try await rate(
                RateOptions(
                    url: arguments["url"] ?? "http://127.0.0.1:8080/", body: arguments["body"] ?? "",
                    contentType: arguments["content-type"] ?? "application/json",
                    rate: Double(arguments["rate"] ?? "") ?? 1000, seconds: seconds,
                    connections: Int(arguments["connections"] ?? "") ?? 64, label: arguments["label"] ?? "rate"))
        default:
            print("usage: bridge-bench mode=inbound|upstream|sends|rate …")
        }
    }

    /// Runs `operation` for 0..<count with `concurrency` in flight, starting none after `deadline`; returns how many
    /// were started and how many of those failed.
    static func drive(
        count: Int, concurrency: Int, until deadline: ContinuousClock.Instant? = nil,
        _ operation: @escaping @Sendable (Int) async throws -> Bool
    ) async throws -> (started: Int, failed: Int) {
        let next = Counter()
        let started = Counter()
        let failed = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        if let deadline, ContinuousClock.now >= deadline { return }
                        let index = next.increment() - 1
                        if index >= count { return }
                        _ = started.increment()
                        let ok = (try? await operation(index)) ?? false
                        if !ok { _ = failed.increment() }
                    }
                }
            }
        }
        return (started.increment() - 1, failed.increment() - 1)
    }
}

/// A counter shared by tasks.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new value.
    func increment() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

/// `key=value` command-line arguments.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) {
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
    }

    subscript(key: String) -> String? { values[key] }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Nearest-rank percentile of an ascending array (0 when empty).
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}
