import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore

extension BridgeBench {
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
        let latencies = Samples(capacity: count)
        // As many connections as requests in flight (AsyncHTTPClient's default is 8).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let start = ContinuousClock.now
        let (_, failures) = try await drive(count: count, concurrency: concurrency) { index in
            var request = HTTPClientRequest(url: "\(bridge)/\(channel)/sendMessage?token=\(token)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: "phone=12020721369&body=load+\(index)"))
            let began = ContinuousClock.now
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 16)
            latencies.append((ContinuousClock.now - began).seconds * 1000)
            return response.status.code == 200 && String(buffer: body).contains("\"sent\":true")
        }
        let elapsed = ContinuousClock.now - start
        try await client.shutdown()
        let sorted = latencies.sorted()
        print("sends.count=\(count) sends.failed=\(failures) sends.concurrency=\(concurrency)")
        print("sends.per_second=\(Int(Double(count - failures) / elapsed.seconds))")
        print(String(format: "sends.latency_ms.p50=%.2f sends.latency_ms.p99=%.2f", percentile(sorted, 0.5), percentile(sorted, 0.99)))
    }
}
