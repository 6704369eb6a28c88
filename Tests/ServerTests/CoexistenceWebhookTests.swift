import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Store
import Testing

/// Call, group and Business App (coexistence) webhooks through `/cloud/webhook`, signed as Meta signs them.
@Suite("Meta webhook endpoint: calls, groups, history, contacts, user ids, unknown fields")
struct CoexistenceWebhookTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/webhooks")

    /// A fixture's Meta payload, for channel alpha's number.
    static func payload(_ name: String) throws -> String {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("\(name).json")))
        let payload = try #require((fixture as? [String: Any])?["payload"])
        let text = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.withoutEscapingSlashes]), as: UTF8.self)
        return text.replacingOccurrences(of: "106540352242922", with: TestWorld.alpha.phoneNumberID)
    }

    static func json(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    @Test(".live: calls and groups reach the client once each, even when Meta delivers them twice; group acks name the participant")
    func callsAndGroups() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                for name in ["calls-connect", "calls-connect", "group-lifecycle-create", "group-lifecycle-create", "status-group-delivered"] {
                    let answer1 = try await client.postSigned(try Self.payload(name)).status
                    #expect(answer1 == .ok, "\(name)")
                }
                // Last in the caller's and in the group's line: once both arrived, any repeated event would have too.
                let callerMessage = DeliveryLiveTests.textMessage(id: "wamid.AFTER", from: "16505551234", text: "after the call")
                let answer2 = try await client.postSigned(callerMessage).status
                #expect(answer2 == .ok)
                let answer3 = try await client.postSigned(try Self.payload("message-group-text")).status
                #expect(answer3 == .ok)
                #expect(await eventually { receiver.items("messages").count == 2 })
            }
        }
        let bodies = receiver.delivered.map(Self.json).filter { $0["type"] != nil }
        #expect(bodies.count == 2, "the repeated deliveries push nothing")
        let call = try #require(bodies.first { $0["type"] as? String == "calls" })
        #expect(call["instanceId"] as? String == "alpha")
        let connect = try #require((call["calls"] as? [[String: Any]])?.first)
        #expect(connect["event"] as? String == "connect" && connect["id"] as? String == "wacid.HBgLMTY1MDU1NTEyMzQVAgARGBIzQTdCRjNEMEYwNzE0NjE4QUEA")
        #expect((connect["session"] as? [String: Any])?["sdp_type"] as? String == "offer", "Meta's call object, member for member")
        let group = try #require(bodies.first { $0["type"] as? String == "groups" })
        let created = try #require((group["groups"] as? [[String: Any]])?.first)
        #expect(created["type"] as? String == "group_create")
        #expect(created["request_id"] as? String == "784D93D0C468593037EA0B1ECA245D9C")
        #expect(created["group_id"] as? String == "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD")
        let ack = try #require(receiver.items("ack").first)
        #expect(ack["chatId"] as? String == "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD@g.us")
        #expect(ack["participant"] as? String == "16505551234@c.us")
        #expect(ack["phone"] as? String == "16505551234")
    }

    @Test(".live: history fills GET /messages and pushes nothing; the media content later replaces its placeholder")
    func history() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            let app = try await world.bridge(graph: FakeGraphAPI())
            try await app.test(.live) { client in
                let answer4 = try await client.postSigned(try Self.payload("history-threads")).status
                #expect(answer4 == .ok)
                let answer5 = try await client.postSigned(try Self.payload("history-media-follow-up")).status
                #expect(answer5 == .ok)
                let answer6 = try await client.postSigned(try Self.payload("history-declined")).status
                #expect(answer6 == .ok)
                // A new message in the same chat: it queues behind anything the history would have queued.
                let live = DeliveryLiveTests.textMessage(id: "wamid.LIVE", from: "16505551234", text: "new", timestamp: "1750000000")
                let answer7 = try await client.postSigned(live).status
                #expect(answer7 == .ok)
                // Everything queued is delivered once nothing is pending.
                #expect(
                    try await eventually {
                        try await world.store().outboxStats(now: Date()).pending == 0 && !receiver.delivered.isEmpty
                    })

                let token = TestWorld.alphaToken
                let all = try await client.execute(uri: "/alpha/messages?token=\(token)", method: .get).json["messages"] as? [[String: Any]]
                #expect(
                    all?.compactMap { $0["id"] as? String } == [
                        "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA", "wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA",
                        "wamid.N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0", "wamid.BIyNDlBOEI5N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGQUQ4NDc0",
                        "wamid.LIVE",
                    ])
                // Meta's example sends the media content from the customer's number: the later message replaces the placeholder.
                #expect(all?.map { $0["fromMe"] as? Bool } == [true, false, false, true, false])
                let media = try #require(all?[1])
                #expect(media["type"] as? String == "image", "the placeholder took the media content")
                #expect((media["body"] as? String)?.contains("24230790383178626") == true)
                #expect(media["messageNumber"] as? Int == 2)
                let chat =
                    try await client.execute(uri: "/alpha/messages?token=\(token)&chatId=12125557890%40c.us", method: .get).json["messages"]
                    as? [[String: Any]]
                #expect(chat?.compactMap { $0["body"] as? String } == ["Thanks for your order!"])
            }
        }
        #expect(receiver.items("messages").compactMap { $0["id"] as? String } == ["wamid.LIVE"], "no webhook for history")
        #expect(receiver.delivered.count == 1)
    }

    @Test("smb_app_state_sync and user_id_update keep the store's contacts and identities current")
    func contactsAndUserIDs() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        var old = StoredMessage(
            channelID: "alpha", id: "wamid.OLD", chatID: "US.13491208655302741918@lid", fromMe: false, type: "chat", body: "hi",
            quotedMsgID: nil, time: Date(timeIntervalSince1970: 1_700_000_000))
        old.businessScopedUserID = "US.13491208655302741918"
        try await world.store().recordMessage(old, events: [])
        try await world.store().commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Date(),
                identities: [CustomerIdentity(channelID: "alpha", username: "oldname", businessScopedUserID: "US.13491208655302741918")]))
        try await app.test(.router) { client in
            let answer8 = try await client.postSigned(try Self.payload("smb-app-state-sync")).status
            #expect(answer8 == .ok)
            let answer9 = try await client.postSigned(try Self.payload("user-id-update")).status
            #expect(answer9 == .ok)
            let messages =
                try await client.execute(uri: "/alpha/messages?token=\(TestWorld.alphaToken)&chatId=US.24817305912873645029%40lid", method: .get)
                .json["messages"] as? [[String: Any]]
            #expect(messages?.compactMap { $0["id"] as? String } == ["wamid.OLD"])
        }
        let store = world.store()
        #expect(try await store.businessContact(phone: "16505551234", channelID: "alpha")?.fullName == "Pablo Morales")
        #expect(try await store.businessContact(phone: "16505551235", channelID: "alpha") == nil)
        #expect(try await store.businessScopedUserID(username: "oldname", channelID: "alpha") == "US.24817305912873645029")
        #expect(try await store.businessScopedUserID(username: "testuser", channelID: "alpha") == "US.24817305912873645029")
    }

    @Test("fields the bridge does not act on are answered 200, kept, and counted by a bounded field label")
    func unknownFields() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        let withoutField = """
            {"object":"whatsapp_business_account","entry":[{"id":"2001","changes":[{"value":{"messaging_product":"whatsapp",
              "metadata":{"display_phone_number":"15550001001","phone_number_id":"1001"}}}]}]}
            """
        try await app.test(.router) { client in
            let answer10 = try await client.postSigned(try Self.payload("unknown-fields")).status
            #expect(answer10 == .ok)
            let answer11 = try await client.postSigned(withoutField).status
            #expect(answer11 == .ok, "a change without a field does not fail the delivery")
            let answer12 = try await client.postSigned(try Self.payload("calls-status")).status
            #expect(answer12 == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"bridge_meta_changes_total{field="account_update",outcome="ignored"} 1"#))
            #expect(metrics.contains(#"bridge_meta_changes_total{field="user_preferences",outcome="ignored"} 1"#))
            #expect(metrics.contains(#"bridge_meta_changes_total{field="other",outcome="ignored"} 1"#))
            #expect(metrics.contains(#"bridge_meta_changes_total{field="calls",outcome="handled"} 1"#))
            #expect(!metrics.contains("some_future_field"))
        }
        #expect(try await world.store().recentInboundPayloads(limit: 10).count == 3)
    }
}

extension SandboxSession {
    /// Any Meta webhook change, through the simulator's `/sandbox/change`; answers its HTTP status.
    func metaSends(_ json: String) async throws -> UInt {
        var request = HTTPClientRequest(url: inboundURL.replacingOccurrences(of: "/sandbox/inbound", with: "/sandbox/change"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code
    }
}

@Suite("Sandbox: any Meta webhook change")
struct SandboxChangeTests {
    @Test(".live sandbox: /sandbox/change posts a signed call offer; the client gets it as type calls")
    func callOffer() async throws {
        try await SandboxSession.run { sandbox in
            let call = #"""
                {"field": "calls", "value": {"calls": [{"id": "wacid.SANDBOX1", "from": "12020721369", "to": "15550000001",
                 "event": "connect", "direction": "USER_INITIATED", "timestamp": "1750269800"}]}}
                """#
            #expect(try await sandbox.metaSends(call) == 200)
            #expect(try await sandbox.metaSends(#"{"value": {}}"#) == 400)
            #expect(await eventually { !sandbox.receiver.delivered.isEmpty })
            let body = CoexistenceWebhookTests.json(try #require(sandbox.receiver.delivered.first))
            #expect(body["instanceId"] as? String == "sandbox")
            #expect(body["type"] as? String == "calls")
            #expect((body["calls"] as? [[String: Any]])?.first?["id"] as? String == "wacid.SANDBOX1")
            #expect((body["metadata"] as? [String: Any])?["phone_number_id"] as? String == "100000000000001")
        }
    }
}
