import AsyncHTTPClient
import Cloud
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Load generator for `scripts/bench`: drives a running bridge over real HTTP and prints throughput.
///
/// - inbound: N signed Meta webhooks (one text message each, C in flight) → events/s accepted (200 after
///   commit) and events/s delivered to a 1MSG webhook receiver this tool serves. `bridge=` may list several
///   instances, comma-separated: the webhooks are spread over them in turn, as a load balancer would.
/// - sends: M sendMessage calls (C in flight) against a bridge whose Graph URL is this tool's fast upstream.
@main
struct BridgeBench {
    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let mode = arguments["mode"] ?? "inbound"
        let bridge = arguments["bridge"] ?? "http://127.0.0.1:8080"
        let count = Int(arguments["count"] ?? "") ?? 20_000
        let concurrency = Int(arguments["concurrency"] ?? "") ?? 32
        let port = Int(arguments["port"] ?? "") ?? 9911
        switch mode {
        case "inbound":
            try await inbound(
                bridge: bridge, appSecret: arguments["app-secret"] ?? "bench-app-secret",
                phoneNumberID: arguments["phone-number-id"] ?? "1001", count: count, concurrency: concurrency, receiverPort: port)
        case "upstream":
            try await serveUpstream(port: port)
        case "sends":
            try await sends(
                bridge: bridge, channel: arguments["channel"] ?? "bench", token: arguments["token"] ?? "", count: count,
                concurrency: concurrency)
        default:
            print("usage: bridge-bench mode=inbound|upstream|sends …")
        }
    }

    static func inbound(bridge: String, appSecret: String, phoneNumberID: String, count: Int, concurrency: Int, receiverPort: Int) async throws {
        let received = Mutex((count: 0, last: ContinuousClock.now))
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            if body.readableBytesView.contains(UInt8(ascii: "m")) {
                received.withLock { $0 = ($0.count + 1, ContinuousClock.now) }
            }
            return .ok
        }
        let receiver = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)),
            logger: Logger(label: "bench-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.run() }
            try await Task.sleep(for: .milliseconds(300))

            let payloads = (0..<count).map { index -> [UInt8] in
                let chat = 12_020_700_000 + index % 1000
                return Array(
                    """
                    {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"\(phoneNumberID)"},"contacts":[{"profile":{"name":"Bench"},"wa_id":"\(chat)"}],"messages":[{"from":"\(chat)","id":"wamid.BENCH\(UUID().uuidString)","timestamp":"1700000000","type":"text","text":{"body":"load \(index)"}}]}}]}]}
                    """.utf8)
            }
            let instances = bridge.split(separator: ",").map(String.init)
            let start = ContinuousClock.now
            let failures = try await drive(count: count, concurrency: concurrency) { index in
                var request = HTTPClientRequest(url: "\(instances[index % instances.count])/cloud/webhook")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignature.header(for: payloads[index], appSecret: appSecret))
                request.body = .bytes(ByteBuffer(bytes: payloads[index]))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 16)
                return response.status.code == 200
            }
            let accepted = ContinuousClock.now - start
            let deadline = ContinuousClock.now + .seconds(300)
            while received.withLock({ $0.count }) < count - failures, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let (delivered, last) = received.withLock { $0 }
            let deliveredIn = last - start
            print("inbound.events=\(count) inbound.failed=\(failures) inbound.concurrency=\(concurrency) inbound.instances=\(instances.count)")
            print("inbound.accepted_per_second=\(Int(Double(count - failures) / accepted.seconds))")
            print("inbound.delivered=\(delivered) inbound.delivered_per_second=\(Int(Double(delivered) / deliveredIn.seconds))")
            group.cancelAll()
        }
    }

    /// A fast Cloud API stand-in: every POST /{version}/{id}/messages gets a wamid.
    static func serveUpstream(port: Int) async throws {
        let counter = Counter()
        let router = Router()
        router.post(":version/:id/messages") { _, _ -> Response in
            let serial = counter.increment()
            let body =
                #"{"messaging_product":"whatsapp","contacts":[{"input":"12020721369","wa_id":"12020721369"}],"messages":[{"id":"wamid.UP\#(serial)"}]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: Logger(label: "bench-upstream", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.runService()
    }

    static func sends(bridge: String, channel: String, token: String, count: Int, concurrency: Int) async throws {
        let latencies = Mutex<[Double]>([])
        let start = ContinuousClock.now
        let failures = try await drive(count: count, concurrency: concurrency) { index in
            var request = HTTPClientRequest(url: "\(bridge)/\(channel)/sendMessage?token=\(token)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: "phone=12020721369&body=load+\(index)"))
            let began = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 16)
            latencies.withLock { $0.append((ContinuousClock.now - began).seconds * 1000) }
            return response.status.code == 200 && String(buffer: body).contains("\"sent\":true")
        }
        let elapsed = ContinuousClock.now - start
        let sorted = latencies.withLock { $0.sorted() }
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print("sends.count=\(count) sends.failed=\(failures) sends.concurrency=\(concurrency)")
        print("sends.per_second=\(Int(Double(count - failures) / elapsed.seconds))")
        print(String(format: "sends.latency_ms.p50=%.2f sends.latency_ms.p99=%.2f", percentile(0.5), percentile(0.99)))
    }

    /// Runs `operation` for 0..<count with `concurrency` in flight; returns how many failed.
    static func drive(count: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Bool) async throws -> Int {
        let next = Counter()
        let failed = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.increment() - 1
                        if index >= count { return }
                        let ok = (try? await operation(index)) ?? false
                        if !ok { _ = failed.increment() }
                    }
                }
            }
        }
        return failed.increment() - 1
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
