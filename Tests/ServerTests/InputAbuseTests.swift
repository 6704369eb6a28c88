import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Testing

@Suite("Input abuse: body limits per operation, nesting, invalid UTF-8, multipart bounds (router)")
struct InputAbuseTests {
    static let token = "token=\(TestWorld.alphaToken)"

    @Test("a body over its operation's limit → 413 naming the operation and the limit; nothing goes upstream")
    func perOperationLimit() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI()) { config in
            config.maxBodyBytes = 2048
            config.operationBodyLimits = ["sendMessage": 1024]
        }
        try await app.test(.router) { client in
            let long = "phone=12020721369&body=" + String(repeating: "x", count: 1500)
            let send = try await client.post("/alpha/sendMessage?\(Self.token)", long)
            #expect(send.status == .contentTooLarge)
            #expect(send.json["error"] as? String == "The request body is larger than 1024 bytes, the limit of sendMessage")
            // The same body is within readMessage's limit (the default): it is read and validated instead (no messageId).
            let read = try await client.post("/alpha/readMessage?\(Self.token)", long)
            #expect((read.json["error"] as? String)?.hasPrefix("Invalid request: ") == true, "\(read.text)")
            let longer = try await client.post("/alpha/readMessage?\(Self.token)", long + String(repeating: "y", count: 1000))
            #expect(longer.json["error"] as? String == "The request body is larger than 2048 bytes, the limit of readMessage")
        }
    }

    @Test(
        "whole mebibytes are named as MiB; the file operations' limit is the upload limit; a route with a parameter is named by method and template")
    func limitWording() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI()) { config in
            config.maxBodyBytes = 1 << 20
            config.maxUploadBodyBytes = 2 << 20
        }
        try await app.test(.router) { client in
            let big = "chatId=12020721369&body=" + String(repeating: "x", count: 3 << 20)
            let file = try await client.post("/alpha/sendFile?\(Self.token)", big)
            #expect(file.json["error"] as? String == "The request body is larger than 2 MiB, the limit of sendFile")
            let group = try await client.post("/alpha/groups/123/inviteLink?\(Self.token)", big)
            #expect(group.status == .contentTooLarge)
            #expect(group.json["error"] as? String == "The request body is larger than 1 MiB, the limit of POST /groups/{groupId}/inviteLink")
        }
    }

    @Test("Meta's webhook has its own limit, named in its 413")
    func webhookLimit() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI()) { config in
            config.operationBodyLimits = ["POST /cloud/webhook": 100]
        }
        let body = try CloudWebhookTests.statusPayload()
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/cloud/webhook", method: .post,
                headers: [
                    .contentType: "application/json",
                    HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.header(for: body, appSecret: TestWorld.alpha.appSecret),
                ], body: ByteBuffer(bytes: body))
            #expect(response.status == .contentTooLarge)
            #expect(response.json["error"] as? String == "The request body is larger than 100 bytes, the limit of POST /cloud/webhook")
        }
    }

    @Test("JSON nested deeper than 64 levels → 400 naming the rule, for 1MSG requests and for Meta's webhook")
    func deepNesting() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        let deep =
            #"{"phone": "12020721369", "body": "hi", "x": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        try await app.test(.router) { client in
            for contentType in ["application/json", "application/x-www-form-urlencoded"] {
                let response = try await client.post("/alpha/sendMessage?\(Self.token)", deep, contentType: contentType)
                #expect(response.status == .badRequest)
                #expect(
                    response.json["error"] as? String
                        == "Invalid request body: the JSON body nests arrays and objects deeper than 64 levels")
            }
            // 64 levels are fine (the rule is not off by one): the body is read and validated (no phone: 400).
            let nested = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
            let ok = try await client.post("/alpha/sendMessage?\(Self.token)", #"{"body": "hi", "x": \#(nested)}"#, contentType: "application/json")
            #expect((ok.json["error"] as? String)?.hasPrefix("Invalid request: ") == true, "\(ok.text)")

            let payload = Array(#"{"object": "whatsapp_business_account", "entry": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 5000)
            let webhook = try await client.execute(
                uri: "/cloud/webhook", method: .post,
                headers: [
                    .contentType: "application/json",
                    HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.header(for: payload, appSecret: TestWorld.alpha.appSecret),
                ], body: ByteBuffer(bytes: payload))
            #expect(webhook.status == .badRequest)
            #expect(webhook.json["error"] as? String == "Not a WhatsApp webhook payload: it nests deeper than 64 levels")
        }
    }

    @Test("invalid UTF-8 → 400 naming the rule or the field: in a JSON body, a form body, a percent-escape, a multipart field")
    func invalidUTF8() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            func post(_ bytes: [UInt8], _ contentType: String) async throws -> String? {
                let response = try await client.execute(
                    uri: "/alpha/sendMessage?\(Self.token)", method: .post, headers: [.contentType: contentType],
                    body: ByteBuffer(bytes: bytes))
                #expect(response.status == .badRequest)
                return response.json["error"] as? String
            }
            let json = Array(#"{"phone": "12020721369", "body": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
            #expect(try await post(json, "application/json") == "Invalid request body: the body is not valid UTF-8")
            let form = Array("phone=12020721369&body=".utf8) + [0xFF, 0xFE]
            #expect(try await post(form, "application/x-www-form-urlencoded") == "Invalid request body: the body is not valid UTF-8")
            let escaped = Array("phone=12020721369&body=%C3%28".utf8)
            #expect(
                try await post(escaped, "application/x-www-form-urlencoded")
                    == "Invalid request body: the form field body is not valid UTF-8 once percent-decoded")
            let multipart =
                Array("--b\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n".utf8) + [0xED, 0xA0, 0x80]
                + Array("\r\n--b--\r\n".utf8)
            #expect(
                try await post(multipart, "multipart/form-data; boundary=b") == "Invalid request body: the form field body is not valid UTF-8")
            // A stray % is still taken as it is, as real clients send it: the body is read and validated (no phone).
            let percent = try await client.post("/alpha/sendMessage?\(Self.token)", "body=100%25+off&x=100%")
            #expect((percent.json["error"] as? String)?.hasPrefix("Invalid request: ") == true, "\(percent.text)")
        }
    }

    @Test("a multipart body with more than 1000 parts → 400 naming the bound (file parts each cost a spool file)")
    func multipartPartCount() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        var body = ""
        for index in 0...1000 {
            body += "--b\r\nContent-Disposition: form-data; name=\"f\(index)\"; filename=\"a.txt\"\r\n\r\nx\r\n"
        }
        body += "--b--\r\n"
        let manyParts = body
        try await app.test(.router) { client in
            for operation in ["sendFile", "sendMessage"] {
                let response = try await client.post(
                    "/alpha/\(operation)?\(Self.token)", manyParts, contentType: "multipart/form-data; boundary=b")
                #expect(response.status == .badRequest)
                #expect(response.json["error"] as? String == "Invalid request body: a multipart body has more than 1000 parts")
            }
        }
    }

    @Test("--body-limits: operation=MiB pairs, operations as the 413 names them; anything else is refused")
    func bodyLimitsFlag() {
        #expect(
            BridgeConfiguration.parseBodyLimits("sendMessage=4, POST /cloud/webhook=0.5")
                == ["sendMessage": 4 << 20, "POST /cloud/webhook": 1 << 19])
        for malformed in ["sendMessage", "sendMessage=", "sendMessage=-1", "=4", "sendMessage=four"] {
            #expect(BridgeConfiguration.parseBodyLimits(malformed) == nil, "\(malformed)")
        }
        var config = BridgeConfiguration()
        config.operationBodyLimits = ["sendMessage": 1000]
        #expect(config.bodyLimit(for: "sendMessage") == 1000)
        #expect(config.bodyLimit(for: "sendFile") == 101 << 20)
        #expect(config.bodyLimit(for: "POST /cloud/webhook") == 16 << 20)
    }
}
