import Cloud
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing

@Suite("Inbound webhooks delivered to 1MSG clients")
struct DeliveryLiveTests {
    static func textMessage(id: String, from: String = "12020721369", text: String, timestamp: String = "1700000000") -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"1001"},
          "contacts":[{"profile":{"name":"Sheena"},"wa_id":"\(from)"}],
          "messages":[{"from":"\(from)","id":"\(id)","timestamp":"\(timestamp)","type":"text","text":{"body":"\(text)"}}]}}]}]}
        """
    }

    static func status(id: String, _ status: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001001","phone_number_id":"1001"},
          "statuses":[{"id":"\(id)","status":"\(status)","timestamp":"1700000001","recipient_id":"12020721369",
                       "pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}}]}}]}]}
        """
    }

    static func configure(_ world: TestWorld, hook: String, ackNotificationsOn: Bool = true, readAsViewed: Bool = false) async throws {
        try await world.store().updateSettings(
            channelID: "alpha",
            settings: ChannelSettings(webhookURLs: [hook], ackNotificationsOn: ackNotificationsOn, readAckAsViewed: readAsViewed))
    }

    static func fastRetries(_ config: inout BridgeConfiguration) {
        config.retryPolicy.firstDelay = .milliseconds(50)
        config.retryPolicy.jitter = 0
    }

    @Test(".live: a signed Meta message arrives at the client's webhook as a 1MSG messages event")
    func inboundMessage() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await Self.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let answer = try await client.postSigned(Self.textMessage(id: "wamid.IN1", text: "Hello")).status
                #expect(answer == .ok)
                #expect(await eventually { receiver.delivered.count == 1 })
            }
        }
        let body = try #require(receiver.delivered.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(json["instanceId"] as? String == "alpha")
        let item = try #require((json["messages"] as? [[String: Any]])?.first)
        #expect(item["id"] as? String == "wamid.IN1")
        #expect(item["body"] as? String == "Hello")
        #expect(item["type"] as? String == "chat")
        #expect(item["fromMe"] as? Bool == false)
        #expect(item["self"] as? Int == 0)
        #expect(item["chatId"] as? String == "12020721369@c.us")
        #expect(item["time"] as? Int == 1_700_000_000)
        #expect(item["senderName"] as? String == "Sheena")
        #expect(try await world.store().messages(channelID: "alpha").map(\.id) == ["wamid.IN1"])
    }

    @Test(".live: a receiver answering 500 three times then 200 gets each event once, in order per chat")
    func retriesKeepOrder() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver(failFirst: [.internalServerError, .serviceUnavailable, .tooManyRequests])
        try await receiver.run { hook in
            try await Self.configure(world, hook: hook)
            var config = world.configuration(graphURL: "http://127.0.0.1:9")
            Self.fastRetries(&config)
            let app = try await buildApplication(config)
            try await app.test(.live) { client in
                for index in 1...3 {
                    let answer = try await client.postSigned(Self.textMessage(id: "wamid.ORDER\(index)", text: "m\(index)")).status
                    #expect(answer == .ok)
                }
                #expect(await eventually { receiver.delivered.count == 3 })
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(receiver.items("messages").compactMap { $0["body"] as? String } == ["m1", "m2", "m3"])
        #expect(receiver.attempts == 6, "3 refusals of the first event, then one delivery each")
    }

    @Test(".live: a bad signature gets 401 and nothing is delivered; a duplicate from Meta gives one event")
    func badSignatureAndDuplicates() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await Self.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let forged = try await client.postSigned(Self.textMessage(id: "wamid.FORGED", text: "x"), secret: "not-the-secret")
                #expect(forged.status == .unauthorized)
                let payload = Self.textMessage(id: "wamid.DUP", text: "once")
                let answer = try await client.postSigned(payload).status
                #expect(answer == .ok)
                let again = try await client.postSigned(payload).status
                #expect(again == .ok)
                #expect(await eventually { receiver.delivered.count >= 1 })
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(receiver.items("messages").compactMap { $0["id"] as? String } == ["wamid.DUP"])
    }

    @Test(".live: sends are echoed (fromMe, self 1); acks are pushed once, never backwards, read as viewed on request")
    func echoesAndAcks() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await world.withSimulator { graphURL in
            try await receiver.run { hook in
                try await Self.configure(world, hook: hook, readAsViewed: true)
                let app = try await buildApplication(world.configuration(graphURL: graphURL))
                try await app.test(.live) { client in
                    let sent = try await client.post("/alpha/sendMessage?token=\(TestWorld.alphaToken)", "phone=12020721369&body=hi")
                    let wamid = try #require(sent.json["id"] as? String)
                    for status in ["sent", "read", "delivered", "read"] {
                        let answer = try await client.postSigned(Self.status(id: wamid, status)).status
                        #expect(answer == .ok)
                    }
                    #expect(await eventually { receiver.delivered.count == 3 })
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
        }
        let echo = try #require(receiver.items("messages").first)
        #expect(echo["fromMe"] as? Bool == true)
        #expect(echo["self"] as? Int == 1)
        #expect(echo["body"] as? String == "hi")
        #expect(echo["chatId"] as? String == "12020721369@c.us")
        let acks = receiver.items("ack")
        #expect(acks.compactMap { $0["status"] as? String } == ["sent", "viewed"])
        #expect(acks.first?["category"] as? String == "utility")
        #expect(acks.first?["phone"] as? String == "12020721369")
    }

    @Test(".live: with ackNotificationsOn off, statuses are stored but no ack is pushed")
    func acksOff() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await Self.configure(world, hook: hook, ackNotificationsOn: false)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let answer = try await client.postSigned(Self.status(id: "wamid.OFF", "delivered")).status
                #expect(answer == .ok)
                let messageAnswer = try await client.postSigned(Self.textMessage(id: "wamid.ON", text: "still delivered")).status
                #expect(messageAnswer == .ok)
                #expect(await eventually { receiver.delivered.count == 1 })
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(receiver.items("ack").isEmpty)
        #expect(try await world.store().statuses(channelID: "alpha", messageID: "wamid.OFF").count == 1)
    }
}

extension TestClientProtocol {
    /// POSTs a Meta webhook payload signed with an app secret.
    func postSigned(_ payload: String, secret: String = TestWorld.alpha.appSecret) async throws -> TestResponse {
        let bytes = Array(payload.utf8)
        return try await execute(
            uri: "/cloud/webhook", method: .post,
            headers: [
                .contentType: "application/json", HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.header(for: bytes, appSecret: secret),
            ],
            body: ByteBuffer(bytes: bytes))
    }
}
