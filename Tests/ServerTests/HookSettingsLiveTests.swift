import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing

@Suite("rawHooks and guaranteedHooks")
struct HookSettingsLiveTests {
    /// Turns the settings on through the 1MSG API, as a client would, and checks the `update` object.
    static func set(_ body: String, expectUpdate: [String: Bool], client: some TestClientProtocol) async throws {
        let reply = try await client.post(
            "/alpha/settings?token=\(TestWorld.alphaToken)", body, contentType: "application/json")
        #expect(reply.status == .ok)
        #expect(reply.json["update"] as? [String: Bool] == expectUpdate, "\(reply.text)")
    }

    @Test(".live: with rawHooks on, the client gets Meta's change as sent, with instanceId, besides the 1MSG event")
    func rawHooks() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                try await Self.set(#"{"rawHooks": true}"#, expectUpdate: ["rawHooks": true], client: client)
                let answer = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.RAW1", text: "Hi raw")).status
                #expect(answer == .ok)
                #expect(await eventually { receiver.delivered.count == 2 })
            }
        }
        let bodies = receiver.delivered.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(bodies.allSatisfy { $0["instanceId"] as? String == "alpha" })
        let normalised = try #require(bodies.first { $0["messages"] != nil })
        #expect((normalised["messages"] as? [[String: Any]])?.first?["body"] as? String == "Hi raw")
        let raw = try #require(bodies.first { $0["entry"] != nil })
        #expect(raw["object"] as? String == "whatsapp_business_account")
        let change = try #require(((raw["entry"] as? [[String: Any]])?.first?["changes"] as? [[String: Any]])?.first)
        #expect(change["field"] as? String == "messages")
        let message = try #require(((change["value"] as? [String: Any])?["messages"] as? [[String: Any]])?.first)
        #expect((message["text"] as? [String: Any])?["body"] as? String == "Hi raw", "Meta's own shape, untranslated")
    }

    @Test(".live: with guaranteedHooks off, a refused delivery is not retried; it waits in the dead letters")
    func guaranteedHooksOff() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver(failFirst: [.internalServerError])
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            var config = world.configuration(graphURL: "http://127.0.0.1:9")
            DeliveryLiveTests.fastRetries(&config)
            let app = try await buildApplication(config)
            try await app.test(.live) { client in
                try await Self.set(#"{"guaranteedHooks": false}"#, expectUpdate: ["guaranteedHooks": false], client: client)
                let answer = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.ONCE", text: "once")).status
                #expect(answer == .ok)
                #expect(try await eventually { try await world.store().deadLetters(limit: 10).count == 1 })
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(receiver.attempts == 1, "one attempt, no retry")
        #expect(receiver.delivered.isEmpty)
        let dead = try #require(try await world.store().deadLetters(limit: 10).first)
        #expect(dead.lastError?.contains("guaranteedHooks is off") == true)
    }
}
