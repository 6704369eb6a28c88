import Foundation
import OneMsg
import Testing

/// One way a real 1MSG client sends the same sendMessage.
struct BodyVariant: Sendable, CustomTestStringConvertible {
    var name: String
    var contentType: String?
    var body: String

    var testDescription: String { name }
}

@Suite("Lenient body decoding")
struct LenientBodyDecoderTests {
    static let expected = SendMessageRequest(
        recipient: .individual("12020721369"), body: "Hello, world & friends", quotedMsgId: "wamid.HBgLMTIw")

    static let variants: [BodyVariant] = [
        .init(
            name: "JSON, phone as string", contentType: "application/json",
            body: #"{"phone":"12020721369","body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "JSON, phone as number", contentType: "application/json",
            body: #"{"phone":12020721369,"body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "JSON, chatId @c.us", contentType: "application/json; charset=utf-8",
            body: #"{"chatId":"12020721369@c.us","body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "JSON, empty chatId beside phone", contentType: "application/json",
            body: #"{"chatId":"","phone":"12020721369","body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "JSON, phone and matching chatId", contentType: "application/json",
            body: #"{"chatId":"12020721369@c.us","phone":12020721369,"body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "form", contentType: "application/x-www-form-urlencoded",
            body: "phone=12020721369&body=Hello%2C+world+%26+friends&quotedMsgId=wamid.HBgLMTIw"),
        .init(
            name: "form with charset", contentType: "application/x-www-form-urlencoded;charset=UTF-8",
            body: "phone=12020721369&body=Hello%2C%20world%20%26%20friends&quotedMsgId=wamid.HBgLMTIw"),
        .init(
            name: "form, every character percent-encoded (Swift SDK)", contentType: "application/x-www-form-urlencoded",
            body: "body=Hello%2C%20world%20%26%20friends&phone=12020721369&quotedMsgId=wamid%2EHBgLMTIw"),
        .init(
            name: "form, unset fields as empty strings (Kotlin SDK)", contentType: "application/x-www-form-urlencoded",
            body: "body=Hello%2C+world+%26+friends&chatId=&phone=12020721369&quotedMsgId=wamid.HBgLMTIw&previewUrl="),
        .init(
            name: "form, chatId with encoded @", contentType: "application/x-www-form-urlencoded",
            body: "chatId=12020721369%40c.us&body=Hello%2C+world+%26+friends&quotedMsgId=wamid.HBgLMTIw"),
        .init(
            name: "form without content type", contentType: nil,
            body: "phone=12020721369&body=Hello%2C+world+%26+friends&quotedMsgId=wamid.HBgLMTIw"),
        .init(
            name: "pretty JSON labelled as form (legacy PHP SDK)", contentType: "application/x-www-form-urlencoded",
            body: "{\n    \"phone\": 12020721369,\n    \"body\": \"Hello, world & friends\",\n    \"quotedMsgId\": \"wamid.HBgLMTIw\"\n}"),
        .init(
            name: "phone with +, spaces, dashes, parentheses and dots", contentType: "application/json",
            body: #"{"phone":"+1 (202) 072-13.69","body":"Hello, world & friends","quotedMsgId":"wamid.HBgLMTIw"}"#),
        .init(
            name: "multipart/form-data", contentType: "multipart/form-data; boundary=XyZ",
            body:
                "--XyZ\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n12020721369\r\n--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nHello, world & friends\r\n--XyZ\r\nContent-Disposition: form-data; name=\"quotedMsgId\"\r\n\r\nwamid.HBgLMTIw\r\n--XyZ--\r\n"
        ),
    ]

    @Test("every client encoding yields the same typed request", arguments: variants)
    func sameTypedRequest(variant: BodyVariant) throws {
        let fields = try LenientBodyDecoder.decode(body: Array(variant.body.utf8), contentType: variant.contentType)
        let request = try SendMessageRequest.decode(from: fields)
        #expect(request == Self.expected)
    }

    @Test(
        "booleans arrive as JSON booleans or as text",
        arguments: [
            (#"{"previewUrl":true}"#, "application/json", true),
            (#"{"previewUrl":false}"#, "application/json", false),
            ("previewUrl=True", "application/x-www-form-urlencoded", true),
            ("previewUrl=False", "application/x-www-form-urlencoded", false),
            ("previewUrl=true", "application/x-www-form-urlencoded", true),
            ("previewUrl=false", "application/x-www-form-urlencoded", false),
            ("previewUrl=1", "application/x-www-form-urlencoded", true),
            ("previewUrl=0", "application/x-www-form-urlencoded", false),
        ])
    func booleans(body: String, contentType: String, expected: Bool) throws {
        var reader = FieldReader(try LenientBodyDecoder.decode(body: Array(body.utf8), contentType: contentType))
        #expect(reader.bool("previewUrl") == expected)
        #expect(reader.problems.isEmpty)
    }

    @Test(
        "chat ids name individuals, groups and business-scoped users",
        arguments: [
            ("12020721369@c.us", Recipient.individual("12020721369")),
            ("120363046942338209@g.us", Recipient.group("120363046942338209")),
            (
                "Y2FwaV9ncm91cDoxOTUwNTU1MDA3OToxMjAzNjMzOTQzMjAdOTY0MTUZD@g.us",
                Recipient.group("Y2FwaV9ncm91cDoxOTUwNTU1MDA3OToxMjAzNjMzOTQzMjAdOTY0MTUZD")
            ),
            ("US.13491208655302741918@lid", Recipient.businessScopedUser("US.13491208655302741918")),
        ])
    func chatIDs(chatId: String, expected: Recipient) {
        #expect(Recipient(chatId: chatId) == expected)
        #expect(expected.chatId == chatId)
    }

    @Test(
        "malformed chat ids are refused",
        arguments: [
            "12020721369", "abc@c.us", "1@x.us", "@c.us", "1 2@c.us", " 12020721369@c.us", "+1 202 072 1369@c.us",
            "123@c.us", "a@b@lid", "US 1349@lid", "a.b@g.us", "a/b@g.us", "\(String(repeating: "A", count: 129))@g.us",
            "\u{0661}\u{0662}\u{0663}\u{0664}\u{0665}\u{0666}\u{0667}@c.us",
        ])
    func badChatIDs(chatId: String) {
        #expect(Recipient(chatId: chatId) == nil)
    }

    @Test("an empty body under a JSON content type lists the missing fields instead of crashing")
    func emptyJSONBody() throws {
        let fields = try LenientBodyDecoder.decode(body: [], contentType: "application/json")
        #expect(fields.encoding == .empty)
        let error = #expect(throws: ValidationError.self) { try SendMessageRequest.decode(from: fields) }
        #expect(error?.problems.map(\.field) == ["phone", "body"])
    }

    @Test("invalid JSON under a JSON content type is a decoding error")
    func invalidJSON() {
        #expect(throws: BodyDecodingError("the body is not valid JSON")) {
            try LenientBodyDecoder.decode(body: Array(#"{"phone": "#.utf8), contentType: "application/json")
        }
        #expect(throws: BodyDecodingError("the JSON body must be an object, not an array")) {
            try LenientBodyDecoder.decode(body: Array("[1,2]".utf8), contentType: "application/json")
        }
    }

    @Test("a form value starting with { is still a form when it is not JSON")
    func formValueWithBrace() throws {
        let fields = try LenientBodyDecoder.decode(body: Array("{weird=1&body=x".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(fields.encoding == .form)
        #expect(fields["body"] == .string("x"))
    }

    @Test("repeated form keys become arrays; multipart files are kept apart from fields")
    func repeatedKeysAndFiles() throws {
        let form = try LenientBodyDecoder.decode(body: Array("a=1&a=2&a=3".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form["a"] == .array([.string("1"), .string("2"), .string("3")]))

        let multipart =
            "--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi\r\n--b\r\nContent-Disposition: form-data; name=\"body\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile text\r\n--b--\r\n"
        let fields = try LenientBodyDecoder.decode(body: Array(multipart.utf8), contentType: "multipart/form-data; boundary=\"b\"")
        #expect(fields["caption"] == .string("hi"))
        #expect(fields["body"] == nil)
        #expect(fields.files["body"] == UploadedFile(filename: "a.txt", contentType: "text/plain", bytes: Array("file text".utf8)))
    }
}
