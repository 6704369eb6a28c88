import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// `eventSinks` on `POST/GET /settings`: the rules of `webhookUrl`, answered as an array after 1MSG's fields.
@Suite("Event sink settings")
struct EventSinkSettingsTests {
    static let token = TestWorld.alphaToken

    @Test("eventSinks is set, cleared and validated like webhookUrl; GET shows it as an array")
    func eventSinks() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let initial = try await client.execute(uri: "/alpha/settings?token=\(Self.token)", method: .get)
            #expect(initial.json["eventSinks"] as? [String] == [])
            #expect(initial.json["webhookUrl"] is NSNull, "1MSG's fields keep their form")

            let set = try await client.post(
                "/alpha/settings?token=\(Self.token)", #"{"eventSinks":["http://bus.test/events","https://b.test/e"]}"#,
                contentType: "application/json")
            #expect(set.status == .ok)
            #expect(set.json["eventSinks"] as? [String] == ["http://bus.test/events", "https://b.test/e"])
            #expect((set.json["update"] as? [String: Any])?["eventSinks"] as? [String] == ["http://bus.test/events", "https://b.test/e"])
            #expect(try await world.store().channel(id: "alpha")?.settings.eventSinks == ["http://bus.test/events", "https://b.test/e"])

            let one = try await client.post("/alpha/settings?token=\(Self.token)", "eventSinks=http%3A%2F%2Fone.test%2Fe")
            #expect(one.json["eventSinks"] as? [String] == ["http://one.test/e"])

            let six = (1...6).map { "https://h\($0).test/x" }.joined(separator: ",")
            let tooMany = try await client.post("/alpha/settings?token=\(Self.token)", "eventSinks=\(six)")
            #expect(tooMany.status == .badRequest)
            #expect((tooMany.json["error"] as? String)?.contains("eventSinks") == true)
            let ftp = try await client.post("/alpha/settings?token=\(Self.token)", "eventSinks=ftp%3A%2F%2Fx.test")
            #expect(ftp.status == .badRequest)

            #expect(initial.json["eventBatch"] as? Bool == false)
            let batch = try await client.post("/alpha/settings?token=\(Self.token)", "eventBatch=true")
            #expect(batch.json["eventBatch"] as? Bool == true)
            #expect((batch.json["update"] as? [String: Any])?["eventBatch"] as? Bool == true)
            #expect(try await world.store().channel(id: "alpha")?.settings.eventBatch == true)

            let cleared = try await client.post("/alpha/settings?token=\(Self.token)", #"{"eventSinks":""}"#, contentType: "application/json")
            #expect(cleared.json["eventSinks"] as? [String] == [])
            #expect(try await world.store().channel(id: "alpha")?.settings.eventSinks == [])
        }
    }

    @Test("--deny-private-webhooks refuses non-public event sinks with 400 naming eventSinks")
    func privateSinksRefused() async throws {
        let world = try await TestWorld.make(.memory)
        let strict = try await world.bridge(graph: FakeGraphAPI()) { $0.denyPrivateWebhooks = true }
        try await strict.test(.router) { client in
            let refused = try await client.post("/alpha/settings?token=\(Self.token)", "eventSinks=http://10.1.2.3/events")
            #expect(refused.status == .badRequest)
            #expect((refused.json["error"] as? String ?? "").hasPrefix("Invalid request: eventSinks: resolves to a private address"))
            let allowed = try await client.post("/alpha/settings?token=\(Self.token)", "eventSinks=http://93.184.216.34/events")
            #expect(allowed.status == .ok)
        }
        #expect(try await world.store().channel(id: "alpha")?.settings.eventSinks == ["http://93.184.216.34/events"])
    }
}
