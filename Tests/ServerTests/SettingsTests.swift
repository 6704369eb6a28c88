import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("GET/POST /settings and /webhook")
struct SettingsTests {
    static let token = TestWorld.alphaToken

    @Test("settings read, change field by field with an update object, and validate URLs")
    func settings() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let initial = try await client.execute(uri: "/alpha/settings?token=\(Self.token)", method: .get)
            #expect(initial.status == .ok)
            #expect(initial.json["webhookUrl"] is NSNull)
            #expect(initial.json["ackNotificationsOn"] as? Bool == true)
            #expect(initial.json["guaranteedHooks"] as? Bool == true)

            let set = try await client.post(
                "/alpha/settings?token=\(Self.token)", #"{"webhookUrl":["http://a.test/h","https://b.test/h"],"ackNotificationsOn":false}"#,
                contentType: "application/json")
            #expect(set.status == .ok)
            #expect(set.json["webhookUrl"] as? String == "http://a.test/h,https://b.test/h")
            let update = try #require(set.json["update"] as? [String: Any])
            #expect(Set(update.keys) == ["webhookUrl", "ackNotificationsOn"])
            #expect(update["ackNotificationsOn"] as? Bool == false)
            #expect(try await world.store().channel(id: "alpha")?.settings.webhookURLs == ["http://a.test/h", "https://b.test/h"])

            let nothing = try await client.post("/settings?token=\(Self.token)", "", contentType: "application/json")
            #expect(nothing.status == .ok)
            #expect((nothing.json["update"] as? [String: Any])?.isEmpty == true, "update is always present, even when empty")

            let cleared = try await client.post("/alpha/settings?token=\(Self.token)", "webhookUrl=&ackReadAsViewed=True")
            #expect(cleared.json["webhookUrl"] is NSNull)
            #expect(cleared.json["ackReadAsViewed"] as? Bool == true)
            #expect((cleared.json["update"] as? [String: Any])?["webhookUrl"] is NSNull)

            let six = (1...6).map { "https://h\($0).test/x" }.joined(separator: ",")
            let tooMany = try await client.post("/alpha/settings?token=\(Self.token)", "webhookUrl=\(six)")
            #expect(tooMany.status == .badRequest)
            #expect((tooMany.json["error"] as? String)?.contains("at most 5 URLs (got 6)") == true)
            let sixEmpty = try await client.post(
                "/alpha/webhook?token=\(Self.token)", #"{"webhookUrl":["","","","","",""]}"#, contentType: "application/json")
            #expect(sixEmpty.status == .badRequest, "an array of more than 5 items is refused even when they are empty")
            #expect((sixEmpty.json["error"] as? String)?.contains("at most 5 URLs (got 6 items)") == true)
            let ftp = try await client.post("/alpha/settings?token=\(Self.token)", "webhookUrl=ftp%3A%2F%2Fx.test")
            #expect(ftp.status == .badRequest)
            #expect(try await world.store().channel(id: "alpha")?.settings.webhookURLs == [], "a refused change changes nothing")
        }
    }

    @Test("POST /webhook answers {set, message}; GET /webhook reads it back")
    func webhook() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let first = try await client.post(
                "/alpha/webhook?token=\(Self.token)", #"{"webhookUrl":"https://bin.test/1f9aj261"}"#, contentType: "application/json")
            #expect(first.json["set"] as? Bool == true)
            #expect(first.json["message"] as? String == "https://bin.test/1f9aj261")
            let again = try await client.post(
                "/alpha/webhook?token=\(Self.token)", #"{"webhookUrl":"https://bin.test/1f9aj261"}"#, contentType: "application/json")
            #expect(again.json["set"] as? Bool == false)
            let read = try await client.execute(uri: "/webhook?token=\(Self.token)", method: .get)
            #expect(read.json["webhookUrl"] as? String == "https://bin.test/1f9aj261")
            let missing = try await client.post("/alpha/webhook?token=\(Self.token)", "{}", contentType: "application/json")
            #expect(missing.status == .badRequest)
            #expect((missing.json["error"] as? String)?.contains("webhookUrl: is required") == true)
        }
    }
}
