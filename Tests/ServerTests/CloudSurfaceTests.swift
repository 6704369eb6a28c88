import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Server

/// The Cloud API surface with a fake Graph port: the channel token as Bearer, Graph-shaped paths with or without a
/// version, Meta's envelope for every refusal, bodies sent as given, sends recorded and echoed like 1MSG sends.
@Suite("Cloud API surface")
struct CloudSurfaceTests {
    static let bearer: HTTPFields = [.authorization: "Bearer \(TestWorld.alphaToken)"]
    static let text = #"{"messaging_product":"whatsapp","recipient_type":"individual","to":"12020721369","type":"text","text":{"body":"hello"}}"#
    static let accepted: CloudJSON = [
        "messaging_product": "whatsapp", "contacts": [["input": "12020721369", "wa_id": "12020721369"]],
        "messages": [["id": "wamid.CLOUD1", "message_status": "accepted"]],
    ]

    static func json(_ response: TestResponse) -> CloudJSON? {
        try? JSONDecoder().decode(CloudJSON.self, from: Data(buffer: response.body))
    }

    static func headers(_ extra: HTTPFields = [:], bearer: String = TestWorld.alphaToken) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(bearer)"]
        headers.append(contentsOf: extra)
        return headers
    }

    @Test("a text send: the same JSON upstream, Meta's answer back, one history entry and one echo for the 1MSG webhook")
    func send() async throws {
        let world = try await TestWorld.make(.memory)
        try await world.store().updateSettings(channelID: "alpha", settings: ChannelSettings(webhookURLs: ["https://hooks.example/a"]))
        var graph = FakeGraphAPI()
        graph.onSendCloudMessage = { _ in .success(Self.accepted) }
        let log = graph.log
        try await world.bridge(graph: graph).test(.router) { client in
            for path in ["/v23.0/1001/messages", "/1001/messages"] {
                let response = try await client.post(path, Self.text, contentType: "application/json", headers: Self.headers())
                #expect(response.status == .ok)
                #expect(Self.json(response) == Self.accepted, "Meta's answer as it was")
            }
        }
        let expected = try JSONDecoder().decode(CloudJSON.self, from: Data(Self.text.utf8))
        #expect(log.all == Array(repeating: .init(operation: "sendCloudMessage", channelID: "alpha", json: expected), count: 2))
        let history = try await world.store().messages(channelID: "alpha")
        #expect(history.map(\.chatID) == ["12020721369@c.us"] && history.first?.type == "chat" && history.first?.body == "hello")
        #expect(history.first?.fromMe == true)
        let queued = try await world.store().claimOutboxEntries(now: Date().addingTimeInterval(60), limit: 10, leaseFor: .seconds(60), owner: "test")
        #expect(queued.count == 1, "the fake repeats its wamid: one history entry, one echo")
        let echo = try JSONDecoder().decode(CloudJSON.self, from: Data(try #require(queued.first).body))
        guard case .array(let items)? = echo["messages"], let item = items.first else {
            Issue.record("no messages echo: \(echo)")
            return
        }
        #expect(item["id"] == "wamid.CLOUD1" && item["fromMe"] == true && item["type"] == "chat" && item["chatId"] == "12020721369@c.us")
    }

    @Test("a missing or wrong token: Meta's 401 (code 190) and no Graph call; another channel's objects: Meta's 403 (code 200)")
    func authentication() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        try await world.bridge(graph: graph).test(.router) { client in
            let missing = try await client.post("/1001/messages", Self.text, contentType: "application/json")
            #expect(missing.status == .unauthorized && Self.json(missing)?["error"]?["code"] == 190)
            #expect(Self.json(missing)?["error"]?["type"] == "OAuthException" && Self.json(missing)?["error"]?["fbtrace_id"]?.text != nil)
            let meta = try await client.post(
                "/1001/messages", Self.text, contentType: "application/json", headers: Self.headers(bearer: TestWorld.alpha.accessToken))
            #expect(meta.status == .unauthorized, "Meta's access token is not this surface's token")
            let query = try await client.post("/1001/messages?token=\(TestWorld.alphaToken)", Self.text, contentType: "application/json")
            #expect(query.status == .unauthorized, "only Bearer, as at Meta")

            let foreign = try await client.post("/v23.0/1002/messages", Self.text, contentType: "application/json", headers: Self.headers())
            #expect(foreign.status == .forbidden && Self.json(foreign)?["error"]?["code"] == 200)
            #expect(!foreign.text.contains("beta") && !foreign.text.contains("2002"), "nothing of the other channel")
            let templates = try await client.execute(uri: "/v23.0/2002/message_templates", method: .get, headers: Self.headers())
            #expect(templates.status == .forbidden && Self.json(templates)?["error"]?["code"] == 200)
            let upload = try await client.execute(
                uri: "/1002/media", method: .post, headers: Self.headers([.contentType: "multipart/form-data; boundary=x"]))
            #expect(upload.status == .forbidden)
        }
        #expect(graph.log.all.isEmpty)
    }

    @Test("wrong Bearer tokens count toward the wrong-token cool-down, whose 429 is Meta's envelope (code 4) with Retry-After")
    func wrongTokenCoolDown() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let app = try await buildApplication(
            world.configuration(graphURL: "http://graph.invalid"),
            dependencies: BridgeDependencies(
                store: world.database, graph: graph, egressAddress: .unexpected, wrongTokenThrottle: WrongTokenThrottle(failuresPerMinute: 3)))
        try await app.test(.router) { client in
            for index in 1...3 {
                let wrong = try await client.post(
                    "/1001/messages", Self.text, contentType: "application/json", headers: Self.headers(bearer: "wrong-\(index)"))
                #expect(wrong.status == .unauthorized && Self.json(wrong)?["error"]?["code"] == 190)
            }
            let cooled = try await client.post("/1001/messages", Self.text, contentType: "application/json", headers: Self.headers())
            #expect(cooled.status == .tooManyRequests && Self.json(cooled)?["error"]?["code"] == 4)
            #expect(Int(cooled.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let oneMsg = try await client.execute(uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(oneMsg.status == .tooManyRequests, "one cool-down per address for both surfaces")
        }
        #expect(graph.log.all.isEmpty)
    }

    @Test("a body that breaks Meta's schema: 400 in Meta's envelope naming field and rule; nothing sent, nothing recorded")
    func validation() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        try await world.bridge(graph: graph).test(.router) { client in
            let refused = try await client.post(
                "/v23.0/1001/messages", #"{"messaging_product":"whatsapp","to":"12020721369","type":"text","text":{}}"#,
                contentType: "application/json", headers: Self.headers())
            #expect(refused.status == .badRequest)
            let error = Self.json(refused)?["error"]
            #expect(error?["code"] == 100 && error?["type"] == "OAuthException")
            #expect(error?["message"] == "(#100) Invalid parameter: text.body is required")
            #expect(error?["error_data"]?["details"] == "text.body is required" && error?["error_data"]?["messaging_product"] == "whatsapp")
            let notJSON = try await client.post("/1001/messages", "to=1", contentType: "application/x-www-form-urlencoded", headers: Self.headers())
            #expect(notJSON.status == .badRequest && Self.json(notJSON)?["error"]?["code"] == 100)
            let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            let nested = try await client.post("/1001/messages", deep, contentType: "application/json", headers: Self.headers())
            #expect(nested.status == .badRequest && Self.json(nested)?["error"]?["message"]?.text?.contains("deeper than 64 levels") == true)
        }
        #expect(graph.log.all.isEmpty)
        #expect(try await world.store().messages(channelID: "alpha").isEmpty)
    }

    @Test("Meta's refusal comes back as Meta gave it, with Meta's status; a read receipt is sent and not recorded")
    func metaErrorsAndReadReceipts() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onSendCloudMessage = { body in
            if body["status"] != nil { return .success(["success": true]) }
            return .failure(
                .refused(
                    httpStatus: 400,
                    error: CloudError(code: 131030, message: "(#131030) Recipient phone number not in allowed list", fbtraceID: "AbC")))
        }
        try await world.bridge(graph: graph).test(.router) { client in
            let refused = try await client.post("/1001/messages", Self.text, contentType: "application/json", headers: Self.headers())
            #expect(
                refused.status == .badRequest && Self.json(refused)?["error"]?["code"] == 131030
                    && Self.json(refused)?["error"]?["fbtrace_id"] == "AbC")
            let read = try await client.post(
                "/v24.0/1001/messages",
                #"{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN","typing_indicator":{"type":"text"}}"#,
                contentType: "application/json", headers: Self.headers())
            #expect(read.status == .ok && Self.json(read) == ["success": true])
        }
        #expect(try await world.store().messages(channelID: "alpha").isEmpty)
    }

    @Test("Idempotency-Key: the same key and body get the first answer without a second call; another body gets 409 in Meta's envelope")
    func idempotency() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onSendCloudMessage = { _ in .success(Self.accepted) }
        let log = graph.log
        try await world.bridge(graph: graph).test(.router) { client in
            let key: HTTPFields = [IdempotencyKeyHeader.name: "order-7"]
            let first = try await client.post("/1001/messages", Self.text, contentType: "application/json", headers: Self.headers(key))
            let again = try await client.post("/v23.0/1001/messages", Self.text, contentType: "application/json", headers: Self.headers(key))
            #expect(first.status == .ok && again.status == .ok && again.text == first.text)
            #expect(again.headers[IdempotencyKeyHeader.replayed] == "true")
            let other = try await client.post(
                "/1001/messages", Self.text.replacingOccurrences(of: "hello", with: "bye"), contentType: "application/json",
                headers: Self.headers(key))
            #expect(other.status == .conflict && Self.json(other)?["error"]?["code"] == 100)
            #expect(Self.json(other)?["error"]?["message"]?.text?.contains("Idempotency-Key") == true)
        }
        #expect(log.operations == ["sendCloudMessage"])
    }

    @Test("a key claimed by a request that never finished: 409 with Retry-After while it may be under way, then 'outcome unknown'")
    func interruptedRequest() async throws {
        let world = try await TestWorld.make(.memory)
        let store = world.store()
        let fingerprint = CloudSurfaceController.fingerprint(try JSONDecoder().decode(CloudJSON.self, from: Data(Self.text.utf8)))
        #expect(
            try await store.claimIdempotencyKey(channelID: "alpha", key: "crashed", fingerprint: fingerprint, now: Date().addingTimeInterval(-3600))
                == .claimed)
        try await world.bridge(graph: FakeGraphAPI()).test(.router) { client in
            #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "recent", fingerprint: fingerprint, now: Date()) == .claimed)
            let underWay = try await client.post(
                "/1001/messages", Self.text, contentType: "application/json", headers: Self.headers([IdempotencyKeyHeader.name: "recent"]))
            #expect(underWay.status == .conflict && Self.json(underWay)?["error"]?["is_transient"] == true)
            #expect(Int(underWay.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let crashed = try await client.post(
                "/1001/messages", Self.text, contentType: "application/json", headers: Self.headers([IdempotencyKeyHeader.name: "crashed"]))
            #expect(crashed.status == .gatewayTimeout && Self.json(crashed)?["error"]?["message"]?.text?.contains("never recorded") == true)
            let again = try await client.post(
                "/1001/messages", Self.text, contentType: "application/json", headers: Self.headers([IdempotencyKeyHeader.name: "crashed"]))
            #expect(again.text == crashed.text && again.headers[IdempotencyKeyHeader.replayed] == "true", "kept: never sent blindly")
        }
    }

    @Test("media: upload passed on, lookup with a bridge link in place of Meta's URL, delete; templates as {data}")
    func mediaAndTemplates() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onUploadMedia = { upload in upload.mimeType == "image/png" ? .success(CloudMediaID(id: "4490")) : .failure(.unreachable(reason: "x")) }
        graph.onMediaInfo = { id in
            .success(CloudMediaInfo(url: "https://lookaside.fbsbx.com/x?mid=\(id)", mimeType: "image/png", sha256: "ab", fileSize: 3, id: id))
        }
        graph.onDeleteMedia = { _ in .success(CloudSuccess(success: true)) }
        graph.onMessageTemplates = {
            .success([
                ["name": "hello_world", "status": "APPROVED", "language": "en_US"],
                ["name": "order_update", "status": "PAUSED", "language": "en_US"],
            ])
        }
        let log = graph.log
        try await world.bridge(graph: graph).test(.router) { client in
            let form =
                "--b\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n"
            let upload = try await client.post("/v23.0/1001/media", form, contentType: "multipart/form-data; boundary=b", headers: Self.headers())
            #expect(upload.status == .ok && Self.json(upload) == ["id": "4490"])
            let info = try await client.execute(uri: "/v23.0/4490", method: .get, headers: Self.headers())
            #expect(info.status == .ok && Self.json(info)?["id"] == "4490" && Self.json(info)?["mime_type"] == "image/png")
            #expect(Self.json(info)?["url"]?.text?.contains("/alpha/media/4490?expires=") == true, "a bridge link, not Meta's URL")
            let deleted = try await client.execute(uri: "/4490", method: .delete, headers: Self.headers())
            #expect(deleted.status == .ok && Self.json(deleted) == ["success": true])
            let templates = try await client.execute(uri: "/v23.0/2001/message_templates?status=APPROVED", method: .get, headers: Self.headers())
            #expect(Self.json(templates) == ["data": [["name": "hello_world", "status": "APPROVED", "language": "en_US"]]])
        }
        #expect(log.operations == ["uploadMedia", "mediaInfo", "deleteMedia", "messageTemplates"])
        #expect(log.all.allSatisfy { $0.channelID == "alpha" }, "Meta is asked with the caller's channel, so Meta's media ownership applies")
    }

    @Test("the 1MSG routes are unchanged: GET /{channelId}/messages and /messages, /settings, unknown paths")
    func oneMsgUnaffected() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onSendMessage = { _ in .success(CloudSendResponse(contacts: [], messages: [.init(id: "wamid.ONEMSG")])) }
        try await world.bridge(graph: graph).test(.router) { client in
            let sent = try await client.post("/alpha/sendMessage?token=\(TestWorld.alphaToken)", "phone=12020721369&body=hi")
            #expect(sent.json["sent"] as? Bool == true)
            let history = try await client.execute(uri: "/alpha/messages?token=\(TestWorld.alphaToken)", method: .get)
            #expect(history.status == .ok && (history.json["messages"] as? [Any])?.count == 1)
            let bare = try await client.execute(uri: "/messages", method: .get, headers: Self.bearer)
            #expect(bare.status == .ok && (bare.json["messages"] as? [Any])?.count == 1)
            let wrong = try await client.execute(uri: "/alpha/messages?token=nope", method: .get)
            #expect(wrong.status == .unauthorized && wrong.json["error"] as? String != nil, "1MSG's 401, not Meta's")
            let settings = try await client.execute(uri: "/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(settings.status == .ok && settings.json["error"] == nil, "a one-segment 1MSG GET, not a media id")
            let unknown = try await client.execute(uri: "/alpha/noSuchOperation?token=\(TestWorld.alphaToken)", method: .get)
            #expect(unknown.status == .notFound)
            let favicon = try await client.execute(uri: "/favicon.ico", method: .get)
            #expect(favicon.status == .notFound)
        }
    }
}
