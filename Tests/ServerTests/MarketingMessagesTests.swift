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
        try await SandboxSession.run { sandbox in
            let sent = try await sandbox.post("sendTemplate", #"{\#(Self.template), "useMMlite": true}"#)
            #expect(sent.json["sent"] as? Bool == true, "\(sent.text)")
            #expect(await eventually { sandbox.receiver.items("ack").count == 3 })
            let acks = sandbox.receiver.items("ack")
            #expect(acks.compactMap { $0["status"] as? String } == ["sent", "delivered", "read"])
            #expect(acks.allSatisfy { $0["mmLite"] as? Bool == true && $0["category"] as? String == "marketing_lite" })
        }
    }
}
