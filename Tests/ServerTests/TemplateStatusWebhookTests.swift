import Cloud
import Foundation
import HummingbirdTesting
import Server
import Store
import Testing

/// Meta's `message_template_status_update` webhooks: routed by WABA id, they drop the cached template list and go to
/// the event sinks once.
@Suite("Template status webhooks")
struct TemplateStatusWebhookTests {
    static let payload = """
        {"object":"whatsapp_business_account","entry":[{"id":"2001","time":1700000000,"changes":[{
          "field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":594425479261596,
          "message_template_name":"order_update","message_template_language":"en_US","reason":"NONE"}}]}]}
        """

    @Test(".router: a template status drops the channel's cached list and queues one event to its sinks, however often Meta sends it")
    func dropsCacheAndQueuesOnce() async throws {
        let world = try await TestWorld.make(.memory)
        var fake = FakeGraphAPI()
        fake.onMessageTemplates = { .success([]) }
        fake.onBusinessAccount = { .success(CloudBusinessAccount(messageTemplateNamespace: "ns")) }
        try await world.store().updateSettings(channelID: "alpha", settings: ChannelSettings(eventSinks: ["http://127.0.0.1:9/events"]))
        let log = fake.log
        let app = try await world.bridge(graph: fake)
        try await app.test(.router) { client in
            for _ in 1...2 {
                let listed = try await client.execute(uri: "/alpha/templates?token=\(TestWorld.alphaToken)", method: .get)
                #expect(listed.status == .ok)
            }
            #expect(log.operations.filter { $0 == "messageTemplates" }.count == 1, "the second read is served from the cache")
            for _ in 1...2 {
                let answer = try await client.postSigned(Self.payload).status
                #expect(answer == .ok)
            }
            let again = try await client.execute(uri: "/alpha/templates?token=\(TestWorld.alphaToken)", method: .get)
            #expect(again.status == .ok)
            #expect(log.operations.filter { $0 == "messageTemplates" }.count == 2, "the status change dropped the cached list")
        }
        let entries = try await world.store().outboxStats(now: Date())
        #expect(entries.pending + entries.dead == 1, "Meta's repeat queues nothing")
    }

    @Test(".router: a template status signed by another app's secret is refused, and a WABA no channel has is ignored")
    func routing() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let forged = try await client.postSigned(Self.payload, secret: "not-the-secret").status
            #expect(forged == .unauthorized)
            let elsewhere = try await client.postSigned(Self.payload.replacingOccurrences(of: #""id":"2001""#, with: #""id":"9999""#)).status
            #expect(elsewhere == .ok)
        }
        #expect(try await world.store().outboxStats(now: Date()).pending == 0)
    }
}
