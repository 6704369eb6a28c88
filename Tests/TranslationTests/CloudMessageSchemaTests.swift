import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// What the fixture pairs do not show: Meta's defaults, members passed on unknown, read receipts, and the history
/// entry (and so the 1MSG echo) of each kind of Cloud message.
@Suite("Cloud message schema and history")
struct CloudMessageSchemaTests {
    static func json(_ text: String) throws -> CloudJSON {
        try JSONDecoder().decode(CloudJSON.self, from: Data(text.utf8))
    }

    @Test("Meta's defaults: no type is text, no recipient_type is individual; members the bridge does not know pass")
    func defaultsAndUnknownMembers() throws {
        let body = try Self.json(#"{"messaging_product":"whatsapp","to":"+1 (202) 072-1369","text":{"body":"hi","x_new":1},"x_future":{"a":1}}"#)
        #expect(CloudMessageSchema.problems(in: body).isEmpty)
        let sent = try #require(CloudSurfaceTranslation.sent(body))
        #expect(sent.recipient.chatId == "12020721369@c.us" && sent.historyType == "chat" && sent.historyBody == "hi")
    }

    @Test("read receipts, with and without the typing indicator, are bodies of their own and have no history entry")
    func readReceipts() throws {
        let read = try Self.json(#"{"messaging_product":"whatsapp","status":"read","message_id":"wamid.A"}"#)
        let typing = try Self.json(#"{"messaging_product":"whatsapp","status":"read","message_id":"wamid.A","typing_indicator":{"type":"text"}}"#)
        #expect(CloudMessageSchema.problems(in: read).isEmpty && CloudMessageSchema.problems(in: typing).isEmpty)
        #expect(CloudSurfaceTranslation.sent(read) == nil)
        let wrong = try Self.json(
            #"{"messaging_product":"whatsapp","status":"delivered","message_id":"wamid.A","typing_indicator":{"type":"audio"}}"#)
        #expect(CloudMessageSchema.problems(in: wrong).map(\.field) == ["status", "typing_indicator.type"])
    }

    @Test(
        "the history entry of each kind is the 1MSG send's",
        arguments: [
            (#"{"type":"text","text":{"body":"hi"},"context":{"message_id":"wamid.Q"}}"#, "chat", "hi", nil, "wamid.Q"),
            (#"{"type":"image","image":{"link":"https://e.com/a.jpg","caption":"A"}}"#, "image", "https://e.com/a.jpg", "A", nil),
            (#"{"type":"document","document":{"id":"77","filename":"a.pdf"}}"#, "document", "77", "a.pdf", nil),
            (#"{"type":"location","location":{"latitude":1.5,"longitude":"2","name":"Here"}}"#, "location", "1.5;2", "Here", nil),
            (#"{"type":"reaction","reaction":{"message_id":"wamid.R","emoji":"👍"}}"#, "reaction", "👍", nil, "wamid.R"),
            (#"{"type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}"#, "template", "hello_world", nil, nil),
            (
                #"{"type":"interactive","interactive":{"type":"cta_url","body":{"text":"Go"},"action":{"name":"cta_url","parameters":{"display_text":"Open","url":"https://e.com"}}}}"#,
                "interactive", "Go", nil, nil
            ),
        ] as [(String, String, String, String?, String?)])
    func history(content: String, type: String, body: String, caption: String?, quoted: String?) throws {
        guard case .object(var members) = try Self.json(content) else { return }
        members["messaging_product"] = "whatsapp"
        members["to"] = "12020721369"
        let sent = try #require(CloudSurfaceTranslation.sent(.object(members)))
        #expect(sent.historyType == type && sent.historyBody == body && sent.historyCaption == caption && sent.quotedMsgId == quoted)
    }

    @Test("contacts are a vCard; a business-scoped user is a @lid chat and a group a @g.us chat")
    func recipientsAndContacts() throws {
        let contact = try #require(
            CloudSurfaceTranslation.sent(
                try Self.json(
                    #"{"messaging_product":"whatsapp","recipient":"US.1349","type":"contacts","contacts":[{"name":{"formatted_name":"Asha Rao"}}]}"#))
        )
        #expect(contact.recipient.chatId == "US.1349@lid" && contact.historyType == "vcard" && contact.historyBody.contains("FN:Asha Rao"))
        let group = try #require(
            CloudSurfaceTranslation.sent(
                try Self.json(#"{"messaging_product":"whatsapp","recipient_type":"group","to":"Y2FwaV9n","type":"text","text":{"body":"x"}}"#)))
        #expect(group.recipient.chatId == "Y2FwaV9n@g.us")
    }
}
