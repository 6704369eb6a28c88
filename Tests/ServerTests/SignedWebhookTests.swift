import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing

@Suite("Signed outgoing webhooks")
struct SignedWebhookTests {
    @Test(".live: with a signing secret each delivery carries the Standard Webhooks headers of its body; without, none")
    func signedDeliveries() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        let secret = WebhookSigningSecrets.generateSecret()
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                #expect(try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.PLAIN", text: "unsigned")).status == .ok)
                #expect(await eventually { receiver.delivered.count == 1 })
                try await world.store().updateSettings(
                    channelID: "alpha", settings: ChannelSettings(webhookURLs: [hook], webhookSigning: WebhookSigningSecrets(current: secret)))
                // The bridge's channel cache may hold the old settings for its freshness (1 s): wait for a signed delivery.
                #expect(
                    try await eventually {
                        _ = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.S\(UUID())", text: "signed"))
                        return await eventually(seconds: 0.5) { receiver.deliveredHeaders.contains { $0[webhookSignature] != nil } }
                    })
            }
        }
        #expect(receiver.deliveredHeaders.first?[webhookID] == nil)
        let signed = zip(receiver.delivered, receiver.deliveredHeaders).filter { $0.1[webhookSignature] != nil }
        #expect(!signed.isEmpty)
        for (body, headers) in signed {
            let id = try #require(headers[webhookID])
            let timestamp = try #require(headers[webhookTimestamp].flatMap { Int($0) })
            #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 300)
            #expect(id == StandardWebhookSignature.messageID(for: Array(body.utf8)))
            #expect(
                headers[webhookSignature] == StandardWebhookSignature.signature(id: id, timestamp: timestamp, body: Array(body.utf8), secret: secret))
        }
    }

    let webhookID = HTTPField.Name("webhook-id")!
    let webhookTimestamp = HTTPField.Name("webhook-timestamp")!
    let webhookSignature = HTTPField.Name("webhook-signature")!
}
