import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import SandboxMode
import Testing

@testable import Server

@Suite("Marketing Messages (useMMlite) sends")
struct MarketingMessagesTests {
    static let template = #""phone": "12020721369", "template": "order_update", "language": "en_US""#

    static func post(_ body: String, in world: TestWorld, graph: FakeGraphAPI) async throws -> TestResponse {
        let app = try await world.bridge(graph: graph)
        return try await app.test(.router) { client in
            try await client.post("/alpha/sendTemplate?token=\(TestWorld.alphaToken)", body, contentType: "application/json")
        }
    }

    @Test("useMMlite → sendMarketingMessage (not sendMessage) with message_activity_sharing; sent:true")
    func marketingSend() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onSendMarketingMessage = { _ in .success(CloudSendResponse(contacts: [], messages: [.init(id: "wamid.MM1")])) }
        let response = try await Self.post(
            #"{\#(Self.template), "useMMlite": "true", "messageActivitySharing": true}"#, in: world, graph: graph)
        #expect(response.json["sent"] as? Bool == true, "\(response.text)")
        #expect(response.json["id"] as? String == "wamid.MM1")
        #expect(graph.log.operations == ["sendMarketingMessage"])
        let body = try #require(graph.log.all.first?.json)
        #expect(body["message_activity_sharing"] == true)
        #expect(try await world.store().messages(channelID: "alpha").count == 1)
    }

    @Test("without useMMlite the template goes to sendMessage")
    func plainSend() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.acceptingMessages()
        let response = try await Self.post(#"{\#(Self.template), "useMMlite": false}"#, in: world, graph: graph)
        #expect(response.json["sent"] as? Bool == true, "\(response.text)")
        #expect(graph.log.operations == ["sendMessage"])
    }

    @Test(".live: a useMMlite send reaches the simulator's /marketing_messages and is accepted")
    func liveMarketingSend() async throws {
        let world = try await TestWorld.make()
        let reply = try await AccountOperationsTests.send(
            .post, "sendTemplate", body: #"{\#(Self.template), "useMMlite": true}"#, in: world)
        #expect(reply.json["sent"] as? Bool == true, "\(reply.text)")
        #expect(world.probe.requests.map { "\($0.method) \($0.path)" } == ["POST /v23.0/1001/marketing_messages"])
    }

    @Test(".live sandbox: acks of a useMMlite send are priced marketing_lite and carry mmLite: true")
    func sandboxAcksCarryMMLite() async throws {
        let world = try await TestWorld.make()
        let logs = LogCapture()
        let receiver = WebhookReceiver()
        var config = world.configuration(graphURL: "http://unused.invalid", logs: logs)
        config.sandbox = true
        config.sandboxStatusDelay = .milliseconds(10)
        let app = try await buildApplication(config, dependencies: BridgeDependencies(simulatedUpstream: SandboxUpstream()))
        try await receiver.run { hook in
            try await app.test(.live) { client in
                #expect(await eventually { logs.text.contains("curl -X POST") })
                let token = try #require(logs.text.firstMatch(of: /token=([A-Za-z0-9]+)/)?.output.1)
                let store = world.store()
                var channel = try #require(try await store.channel(id: "sandbox"))
                channel.settings.webhookURLs = [hook]
                try await store.updateSettings(channelID: "sandbox", settings: channel.settings)
                let sent = try await client.post(
                    "/sandbox/sendTemplate?token=\(token)", #"{\#(Self.template), "useMMlite": true}"#,
                    contentType: "application/json")
                #expect(sent.json["sent"] as? Bool == true, "\(sent.text)")
                #expect(await eventually { receiver.items("ack").count == 3 })
            }
        }
        let acks = receiver.items("ack")
        #expect(acks.compactMap { $0["status"] as? String } == ["sent", "delivered", "read"])
        #expect(acks.allSatisfy { $0["mmLite"] as? Bool == true && $0["category"] as? String == "marketing_lite" })
    }
}
