import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// One fixture from `fixtures/webhooks/`: a Meta webhook body as POSTed, and the 1MSG events each of its
/// changes must give, in order.
struct WebhookFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var payload: [UInt8]
    var expected: [FieldValue]

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/webhooks")

    static func all() throws -> [WebhookFixture] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map(load)
    }

    static func load(_ url: URL) throws -> WebhookFixture {
        guard case .object(let root) = try JSONDecoder().decode(FieldValue.self, from: Data(contentsOf: url)),
            let payload = root["payload"], case .array(let expected)? = root["expected"]
        else {
            throw FixtureError(file: url.lastPathComponent, reason: "needs payload and expected")
        }
        return WebhookFixture(
            name: url.deletingPathExtension().lastPathComponent,
            payload: Array(try JSONEncoder().encode(payload)),
            expected: expected)
    }

    /// Each change's `value` exactly as the fixture has it, in order.
    static func rawValues(of payload: [UInt8]) throws -> [CloudJSON] {
        let root = try JSONDecoder().decode(CloudJSON.self, from: Data(payload))
        guard case .array(let entries)? = root["entry"] else { return [] }
        return entries.flatMap { entry -> [CloudJSON] in
            guard case .array(let changes)? = entry["changes"] else { return [] }
            return changes.map { $0["value"] ?? .null }
        }
    }

    static func mediaURL(_ media: InboundMedia) -> String {
        "https://bridge.test/media/\(media.id)"
    }
}

@Suite("Webhook fixture pairs")
struct WebhookFixtureTests {
    @Test("Meta webhook → the exact 1MSG events of every change", arguments: try WebhookFixture.all())
    func translate(fixture: WebhookFixture) throws {
        let payload = try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(fixture.payload))
        let rawValues = try WebhookFixture.rawValues(of: fixture.payload)
        var actual: [FieldValue] = []
        for (change, rawValue) in zip(payload.entry.flatMap(\.changes), rawValues) {
            let events = InboundTranslation.events(from: change.value, field: change.field, mediaURL: WebhookFixture.mediaURL)
            var result: [String: FieldValue] = [
                "phoneNumberId": change.value.metadata.map { .string($0.phoneNumberID) } ?? .null,
                "messages": try json(events.messages),
                "acks": try json(events.acks),
            ]
            // Older messages (history only) and events pushed as Meta sent them appear only in the fixtures that have them.
            if !events.history.isEmpty { result["history"] = try json(events.history) }
            let pushed = PassthroughTranslation.events(field: change.field, value: rawValue)
            if !pushed.isEmpty {
                result["pushed"] = .array(
                    pushed.map { .object(["type": .string($0.type), "chatId": .string($0.chatId), "value": .object($0.value)]) })
            }
            actual.append(.object(result))
        }
        #expect(rawValues.count == payload.entry.flatMap(\.changes).count)
        #expect(actual.count == fixture.expected.count, "one result per change")
        for (index, (got, want)) in zip(actual, fixture.expected).enumerated() {
            #expect(got == want, "change \(index)")
        }
    }

    @Test("the fixture folder covers every inbound type and every status")
    func coverage() throws {
        var types: Set<String> = []
        var statuses: Set<String> = []
        for fixture in try WebhookFixture.all() {
            let payload = try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(fixture.payload))
            for value in payload.entry.flatMap(\.changes).map(\.value) {
                types.formUnion((value.messages ?? []).map(\.type))
                statuses.formUnion((value.statuses ?? []).map { $0.status.lowercased() })
                if value.messageEchoes?.isEmpty == false { types.insert("echo") }
            }
        }
        let required: Set<String> = [
            "text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive", "button",
            "reaction", "order", "system", "request_welcome", "unsupported", "echo",
        ]
        #expect(required.subtracting(types).isEmpty, "missing: \(required.subtracting(types).sorted())")
        #expect(statuses.isSuperset(of: ["sent", "delivered", "read", "played", "failed"]))
    }

    @Test("acks only move forwards: sent < delivered < read (= played) < failed; unknown ranks lowest")
    func ackRank() {
        let order = ["sent", "delivered", "read", "failed"].map(AckRank.rank)
        #expect(order == order.sorted() && Set(order).count == 4)
        #expect(AckRank.rank("played") == AckRank.rank("read"))
        #expect(AckRank.rank("READ") == AckRank.rank("read"))
        #expect(AckRank.rank("deleted") == 0)
        #expect(AckRank.rank("") < AckRank.rank("sent"))
    }

    @Test("an unknown message type and odd members decode without losing the rest of the batch")
    func lenientDecoding() throws {
        let body = """
            {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": 1751247548, "changes": [
              {"field": "messages", "value": {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": 16505551234}, "not a contact"],
                "messages": [
                  {"from": "16505551234", "id": "wamid.A", "timestamp": 1750269342, "type": "hologram",
                   "hologram": {"frames": [1, 2.5, null], "colour": "teal"}, "identity": {"hash": "x"}},
                  {"from": "16505551234", "id": "wamid.B", "timestamp": "1750269343", "type": "image",
                   "image": {"caption": "no id, so not a readable media object"}},
                  {"from": "16505551234", "id": "wamid.C", "timestamp": "1750269344", "type": "text",
                   "text": {"body": "still here"}, "context": {"forwarded": "yes"}},
                  42
                ],
                "statuses": [{"id": "wamid.D", "status": "delivered", "timestamp": "1750269345",
                              "recipient_id": "16505551234", "pricing": "free", "conversation": {"origin": 7}},
                             {"status": "read"}]}}]}]}
            """
        let payload = try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(body.utf8))
        let value = try #require(payload.entry.first?.changes.first?.value)
        let messages = try #require(value.messages)
        #expect(messages.map(\.id) == ["wamid.A", "wamid.B", "wamid.C"])
        #expect(messages[0].timestamp == "1750269342")
        #expect(messages[0].extra["hologram"]?["colour"] == .string("teal"))
        #expect(messages[1].image == nil && messages[1].extra["image"] != nil)
        #expect(messages[2].context == nil && messages[2].text?.body == "still here")
        #expect(value.contacts?.map(\.waID) == ["16505551234"])
        #expect(value.statuses?.map(\.id) == ["wamid.D"])
        #expect(value.statuses?.first?.pricing == nil)

        let events = InboundTranslation.events(from: value, field: "messages", mediaURL: WebhookFixture.mediaURL)
        #expect(events.messages.map(\.type) == ["hologram", "image", "chat"])
        #expect(events.messages[0].senderName == "Sheena Nelson")
        #expect(
            events.messages[0].meta?["hologram"]
                == .object([
                    "frames": .array([.number("1"), .number("2.5"), .null]), "colour": .string("teal"),
                ]))
        #expect(events.messages[1].meta?["image"] == .object(["caption": .string("no id, so not a readable media object")]))
        #expect(events.acks.map(\.status) == ["delivered"])

        // What was kept verbatim encodes back.
        let reencoded = try JSONDecoder().decode(FieldValue.self, from: JSONEncoder().encode(messages[0]))
        guard case .object(let members) = reencoded else {
            Issue.record("a message encodes to an object")
            return
        }
        #expect(members["identity"] == .object(["hash": .string("x")]))
        #expect(members["type"] == .string("hologram"))
    }

    @Test("a shared contact becomes vCard 3.0 text, with special characters escaped")
    func vCard() {
        let contact = CloudWebhookPayload.InboundMessage.SharedContact(
            name: .init(formattedName: "Dr. Ada Lovelace, Jr.", firstName: "Ada", lastName: "Lovelace", prefix: "Dr.", suffix: "Jr."),
            phones: [.init(phone: "+44 20 7946 0958", waID: "442079460958", type: "home"), .init(phone: "+44 7700 900123")],
            emails: [.init(email: "ada@example.org")],
            org: .init(company: "Analytical; Engines", title: "Programmer"))
        #expect(
            InboundTranslation.vCard(contact) == """
                BEGIN:VCARD
                VERSION:3.0
                N:Lovelace;Ada;;Dr.;Jr.
                FN:Dr. Ada Lovelace\\, Jr.
                ORG:Analytical\\; Engines
                TITLE:Programmer
                TEL;type=HOME;waid=442079460958:+44 20 7946 0958
                TEL:+44 7700 900123
                EMAIL:ada@example.org
                END:VCARD
                """)
        let bare = CloudWebhookPayload.InboundMessage.SharedContact(name: nil, phones: [.init(phone: "+1 555 0100")])
        #expect(InboundTranslation.vCard(bare) == "BEGIN:VCARD\nVERSION:3.0\nN:;+1 555 0100;;;\nFN:+1 555 0100\nTEL:+1 555 0100\nEND:VCARD")
    }

    @Test("the webhook envelopes encode the 1MSG keys, leaving absent optionals out")
    func envelopes() throws {
        let message = MessageEvent(
            id: "wamid.A", body: "hi", fromMe: false, selfFlag: 0, isForwarded: false, author: "16505551234@c.us",
            chatId: "16505551234@c.us", time: 1_750_269_342, type: "chat", senderName: "Sheena", chatName: "Sheena")
        let messages = try JSONDecoder().decode(
            FieldValue.self, from: JSONEncoder().encode(MessagesWebhook(instanceId: "VID182868781", messages: [message])))
        #expect(
            messages
                == .object([
                    "instanceId": .string("VID182868781"),
                    "messages": .array([
                        .object([
                            "id": .string("wamid.A"), "body": .string("hi"), "fromMe": .bool(false), "self": .number("0"),
                            "isForwarded": .bool(false), "author": .string("16505551234@c.us"), "chatId": .string("16505551234@c.us"),
                            "time": .number("1750269342"), "type": .string("chat"), "senderName": .string("Sheena"),
                            "chatName": .string("Sheena"),
                        ])
                    ]),
                ]))
        let ack = AckEvent(id: "wamid.B", chatId: "16505551234@c.us", phone: "16505551234", status: "read")
        let acks = try JSONDecoder().decode(FieldValue.self, from: JSONEncoder().encode(AckWebhook(instanceId: "VID182868781", ack: [ack])))
        #expect(
            acks
                == .object([
                    "instanceId": .string("VID182868781"),
                    "ack": .array([
                        .object([
                            "id": .string("wamid.B"), "chatId": .string("16505551234@c.us"), "phone": .string("16505551234"),
                            "status": .string("read"),
                        ])
                    ]),
                ]))
    }

    @Test("the status payload the sandbox and server tests build still round-trips")
    func statusRoundTrip() throws {
        let payload = CloudWebhookPayload(entry: [
            .init(
                id: "2001",
                changes: [
                    .init(
                        field: "messages",
                        value: .init(
                            metadata: .init(displayPhoneNumber: "15550001001", phoneNumberID: "1001"),
                            statuses: [
                                .init(
                                    id: "wamid.X", status: "failed", timestamp: "1700000000", recipientID: "12020721369",
                                    pricing: .init(billable: true, pricingModel: "PMP", category: "service"),
                                    errors: [.init(code: 131026, title: "Message undeliverable", message: nil)])
                            ]))
                ])
        ])
        let decoded = try JSONDecoder().decode(CloudWebhookPayload.self, from: JSONEncoder().encode(payload))
        #expect(decoded == payload)
        #expect(decoded.phoneNumberIDs == ["1001"])
    }

    private func json(_ value: some Encodable) throws -> FieldValue {
        try JSONDecoder().decode(FieldValue.self, from: JSONEncoder().encode(value))
    }
}
