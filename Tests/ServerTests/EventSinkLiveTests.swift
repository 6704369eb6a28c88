import Foundation
import HummingbirdTesting
import Server
import Store
import Testing

/// Event sinks through the real dispatcher: CloudEvents documents beside the 1MSG webhook events, each with its
/// content type.
@Suite("Event sinks delivered as CloudEvents")
struct EventSinkLiveTests {
    @Test(".live: an inbound message and a status reach the sink as CloudEvents and the webhook as 1MSG events")
    func messageAndStatusReachTheSink() async throws {
        let world = try await TestWorld.make()
        let hook = WebhookReceiver()
        let sink = WebhookReceiver()
        try await hook.run { hookURL in
            try await sink.run { sinkURL in
                try await world.store().updateSettings(
                    channelID: "alpha", settings: ChannelSettings(webhookURLs: [hookURL], eventSinks: [sinkURL]))
                let app = try await world.bridge(graph: FakeGraphAPI())
                try await app.test(.live) { client in
                    let message = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.SINK1", text: "to the bus")).status
                    #expect(message == .ok)
                    let status = try await client.postSigned(DeliveryLiveTests.status(id: "wamid.OUT9", "delivered")).status
                    #expect(status == .ok)
                    #expect(await eventually { sink.delivered.count == 2 && hook.delivered.count == 2 })
                }
            }
        }
        #expect(sink.contentTypes == ["application/cloudevents+json", "application/cloudevents+json"])
        #expect(hook.contentTypes == ["application/json", "application/json"])
        let documents = try sink.delivered.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(documents.map { $0["type"] as? String } == ["whatsapp-business-message-received", "whatsapp-business-message-delivered"])
        #expect(documents.map { $0["id"] as? String } == ["wamid.SINK1", "wamid.OUT9/delivered"])
        #expect(documents.allSatisfy { $0["specversion"] as? String == "1.0" && $0["source"] as? String == "/onemsg-bridge/alpha" })
        let received = try #require(documents.first?["data"] as? [String: Any])
        #expect((received["onemsg"] as? [String: Any])?["body"] as? String == "to the bus")
        #expect(((received["meta"] as? [String: Any])?["text"] as? [String: Any])?["body"] as? String == "to the bus")
    }

    @Test(".live: a channel with sinks and no webhook URL still gets its events")
    func sinksWithoutWebhooks() async throws {
        let world = try await TestWorld.make()
        let sink = WebhookReceiver()
        try await sink.run { sinkURL in
            try await world.store().updateSettings(channelID: "alpha", settings: ChannelSettings(eventSinks: [sinkURL]))
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let answer = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.SINK2", text: "alone")).status
                #expect(answer == .ok)
                #expect(await eventually { sink.delivered.count == 1 })
            }
        }
        #expect(sink.contentTypes == ["application/cloudevents+json"])
    }

    @Test(".live: with eventBatch on, a delivery's messages of one chat reach the sink as one CloudEvents batch")
    func batch() async throws {
        let world = try await TestWorld.make()
        let sink = WebhookReceiver()
        let payload = """
            {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{
              "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"1001"},
              "contacts":[{"profile":{"name":"Sheena"},"wa_id":"12020721369"}],
              "messages":[{"from":"12020721369","id":"wamid.B1","timestamp":"1700000000","type":"text","text":{"body":"one"}},
                          {"from":"12020721369","id":"wamid.B2","timestamp":"1700000001","type":"text","text":{"body":"two"}}]}}]}]}
            """
        try await sink.run { sinkURL in
            try await world.store().updateSettings(channelID: "alpha", settings: ChannelSettings(eventSinks: [sinkURL], eventBatch: true))
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let answer = try await client.postSigned(payload).status
                #expect(answer == .ok)
                #expect(await eventually { sink.delivered.count == 1 })
            }
        }
        #expect(sink.contentTypes == ["application/cloudevents-batch+json"])
        let body = try #require(sink.delivered.first)
        let batch = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
        #expect(batch.map { $0["id"] as? String } == ["wamid.B1", "wamid.B2"])
        #expect(batch.allSatisfy { $0["specversion"] as? String == "1.0" && $0["type"] as? String == "whatsapp-business-message-received" })
    }
}
