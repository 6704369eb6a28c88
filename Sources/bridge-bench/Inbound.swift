import AsyncHTTPClient
import Cloud
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

extension BridgeBench {
    static func inbound(
        bridge: String, appSecret: String, phoneNumberID: String, count: Int, concurrency: Int, seconds: Double,
        receiverPort: Int
    ) async throws {
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
        // As many connections per instance as requests in flight (AsyncHTTPClient's default is 8).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await receiver.run() }
                try await Task.sleep(for: .milliseconds(300))

                // Signed beforehand, so the generator spends its CPU time on HTTP during the run.
                let payloads = (0..<count).map { index -> (body: [UInt8], signature: String) in
                    let chat = 12_020_700_000 + index % 1000
                    let body = Array(
                        """
                        {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"\(phoneNumberID)"},"contacts":[{"profile":{"name":"Bench"},"wa_id":"\(chat)"}],"messages":[{"from":"\(chat)","id":"wamid.BENCH\(UUID().uuidString)","timestamp":"1700000000","type":"text","text":{"body":"load \(index)"}}]}}]}]}
                        """.utf8)
                    return (body, WebhookSignature.header(for: body, appSecret: appSecret))
                }
                let instances = bridge.split(separator: ",").map(String.init)
                let start = ContinuousClock.now
                let (sent, failures) = try await drive(
                    count: count, concurrency: concurrency, until: start + .milliseconds(Int(seconds * 1000))
                ) { index in
                    var request = HTTPClientRequest(url: "\(instances[index % instances.count])/cloud/webhook")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "X-Hub-Signature-256", value: payloads[index].signature)
                    request.body = .bytes(ByteBuffer(bytes: payloads[index].body))
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 16)
                    return response.status.code == 200
                }
                let accepted = ContinuousClock.now - start
                // Delivery gets as long again as acceptance took (at least 10 s) to catch up; what is left is reported.
                let deadline = ContinuousClock.now + .milliseconds(max(10_000, Int(accepted.seconds * 1000)))
                while received.withLock({ $0.count }) < sent - failures, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let (delivered, last) = received.withLock { $0 }
                let deliveredIn = last - start
                print("inbound.events=\(sent) inbound.failed=\(failures) inbound.concurrency=\(concurrency) inbound.instances=\(instances.count)")
                print(String(format: "inbound.seconds=%.2f", accepted.seconds))
                print("inbound.accepted=\(sent - failures) inbound.accepted_per_second=\(Int(Double(sent - failures) / accepted.seconds))")
                print(
                    "inbound.delivered=\(delivered) inbound.delivered_per_second=\(delivered == 0 ? 0 : Int(Double(delivered) / deliveredIn.seconds))"
                )
                print("inbound.undelivered=\(sent - failures - delivered)")
                group.cancelAll()
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
