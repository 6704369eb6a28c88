import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Sandbox
import Server
import Store
import Testing

@Suite("sendMessage")
struct SendMessageTests {
    static let uri = "/alpha/sendMessage?token=\(TestWorld.alphaToken)"

    @Test("invalid input → 400 naming every problem, and nothing goes upstream")
    func validation() async throws {
        let world = try await TestWorld.make()
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let empty = try await client.post(Self.uri, "", contentType: "application/json")
            #expect(empty.status == .badRequest)
            #expect(
                empty.json["error"] as? String
                    == "Invalid request: phone: is required when chatId is not set (send phone or chatId); body: is required")

            let bad = try await client.post(Self.uri, #"{"phone":"12","body":"x","quotedMsgId":"a b"}"#, contentType: "application/json")
            #expect(bad.status == .badRequest)
            let message = try #require(bad.json["error"] as? String)
            #expect(message.contains("phone: must be an international number"))
            #expect(message.contains("quotedMsgId:"))

            let broken = try await client.post(Self.uri, #"{"phone": "#, contentType: "application/json")
            #expect(broken.status == .badRequest)
            #expect(broken.json["error"] as? String == "Invalid request body: the body is not valid JSON")
        }
    }

    @Test("a customer without a visible number: phone or bsuid may be a business-scoped user id; a malformed one is a 400")
    func businessScopedRecipients() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.acceptingMessages()
        let app = try await world.bridge(graph: graph)
        try await app.test(.router) { client in
            for body in [#"{"phone": "CO.1726691741709890", "body": "hi"}"#, #"{"bsuid": "CO.1726691741709890", "body": "hi"}"#] {
                let sent = try await client.post(Self.uri, body, contentType: "application/json")
                #expect(sent.json["sent"] as? Bool == true, "\(sent.text)")
                #expect(sent.json["message"] as? String == "Sent to CO.1726691741709890@lid")
            }
            let calls = graph.log.all
            #expect(calls.count == 2)
            #expect(calls.allSatisfy { $0.json?["recipient"]?.text == "CO.1726691741709890" && $0.json?["to"] == nil })

            for body in [#"{"phone": "CO.17266x", "body": "hi"}"#, #"{"bsuid": "C.1", "body": "hi"}"#] {
                let refused = try await client.post(Self.uri, body, contentType: "application/json")
                #expect(refused.status == .badRequest)
                #expect((refused.json["error"] as? String)?.contains("business-scoped user id") == true, "\(refused.text)")
            }
            #expect(graph.log.all.count == 2, "nothing more went upstream")
        }
    }

    @Test("username: a customer's username resolves to the business-scoped id webhooks showed; unknown → 1MSG's 400")
    func usernames() async throws {
        let world = try await TestWorld.make(.memory)
        try await world.store().commitInbound(
            InboundCommit(
                payload: [0], receivedAt: Date(),
                identities: [CustomerIdentity(channelID: "alpha", username: "quiet.buyer", businessScopedUserID: "CO.1726691741709890")]))
        let graph = FakeGraphAPI.acceptingMessages()
        let app = try await world.bridge(graph: graph)
        try await app.test(.router) { client in
            let sent = try await client.post(Self.uri, #"{"username": "@quiet.buyer", "body": "hi"}"#, contentType: "application/json")
            #expect(sent.json["sent"] as? Bool == true, "\(sent.text)")
            #expect(sent.json["message"] as? String == "Sent to CO.1726691741709890@lid")
            #expect(graph.log.all.first?.json?["recipient"]?.text == "CO.1726691741709890")

            let unknown = try await client.post(Self.uri, #"{"username": "stranger", "body": "hi"}"#, contentType: "application/json")
            #expect(unknown.status == .badRequest)
            #expect((unknown.json["error"] as? String)?.contains("username: username is not found") == true, "\(unknown.text)")
            let both = try await client.post(
                Self.uri, #"{"username": "quiet.buyer", "phone": "12020721369", "body": "hi"}"#, contentType: "application/json")
            #expect(both.status == .badRequest)
            #expect((both.json["error"] as? String)?.contains("username: names the recipient as phone does") == true, "\(both.text)")
        }
        #expect(graph.log.all.count == 1, "only the resolved send went upstream")
    }

    @Test("a body over the limit → 413 with the limit named")
    func tooLarge() async throws {
        let world = try await TestWorld.make()
        var config = world.configuration(graphURL: "http://127.0.0.1:9")
        config.maxBodyBytes = 1024
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            let response = try await client.post(Self.uri, "body=" + String(repeating: "x", count: 4000) + "&phone=12020721369")
            #expect(response.status == .contentTooLarge)
            #expect(response.json["error"] as? String == "The request body is larger than 1024 bytes, the limit of sendMessage")
        }
    }

    @Test(".live: a send over real HTTP returns the wamid; the simulator saw the exact Cloud JSON; the history has it")
    func liveSend() async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.post(
                    Self.uri, "chatId=12020721369%40c.us&body=Hello+https%3A%2F%2Fexample.com&quotedMsgId=wamid.QUOTED")
                #expect(response.status == .ok)
                let json = response.json
                #expect(json["sent"] as? Bool == true)
                #expect((json["id"] as? String)?.hasPrefix("wamid.") == true)
                #expect(json["message"] as? String == "Sent to 12020721369@c.us")
                #expect(json["description"] as? String == "Message has been sent to the provider")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
        let upstream = try #require(world.simulator.requests.first)
        #expect(upstream.method == "POST")
        #expect(upstream.path == "/v23.0/1001/messages")
        #expect(upstream.authorization == "Bearer \(TestWorld.alpha.accessToken)")
        let expected: [String: Any] = [
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": "12020721369", "type": "text",
            "context": ["message_id": "wamid.QUOTED"],
            "text": ["body": "Hello https://example.com", "preview_url": true],
        ]
        #expect(NSDictionary(dictionary: upstream.json as? [String: Any] ?? [:]).isEqual(to: expected))
        let history = try await world.store().messages(channelID: "alpha")
        #expect(history.map(\.body) == ["Hello https://example.com"])
        #expect(history.first?.fromMe == true)
        #expect(history.first?.quotedMsgID == "wamid.QUOTED")
    }

    @Test(
        ".live: Meta's error envelopes become sent:false with Meta's code and advice",
        arguments: [
            (400, 131047, "(#131047) Re-engagement message", "send a template"),
            (400, 131026, "(#131026) Message Undeliverable.", "not be on WhatsApp"),
            (401, 190, "Error validating access token: Session has expired", "access token has expired"),
            (400, 100, "(#100) Invalid parameter", "Invalid parameter: Parameter 'to' is invalid"),
        ])
    func metaRefusals(httpStatus: Int, code: Int, message: String, phrase: String) async throws {
        let world = try await TestWorld.make()
        world.probe.scriptNext(
            .error(
                httpStatus: httpStatus,
                CloudError(code: code, message: message, details: code == 100 ? "Parameter 'to' is invalid" : nil, fbtraceID: "Atrace")))
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.post(Self.uri, "phone=12020721369&body=hi")
                #expect(response.status == .ok)
                #expect(response.json["sent"] as? Bool == false)
                #expect(response.json["id"] == nil)
                let text = try #require(response.json["message"] as? String)
                #expect(text.hasPrefix("\(code): "))
                #expect(text.contains(phrase), "\(text)")
                #expect(!text.contains("Atrace"), "no raw upstream body in the reply")
            }
        }
        #expect(try await world.store().messages(channelID: "alpha").isEmpty)
    }

    @Test(".live: a non-JSON upstream answer → sent:false saying the outcome is unknown")
    func garbage() async throws {
        let world = try await TestWorld.make()
        world.probe.scriptNext(.garbage(httpStatus: 502))
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let response = try await client.post(Self.uri, "phone=12020721369&body=hi")
                #expect(response.json["sent"] as? Bool == false)
                #expect((response.json["message"] as? String)?.contains("HTTP 502") == true)
            }
        }
    }

    @Test(".live: an upstream that never answers → a reply within the configured timeout, outcome unknown")
    func hangingUpstream() async throws {
        let world = try await TestWorld.make()
        let silent = try await SilentServer()
        var config = world.configuration(graphURL: "http://127.0.0.1:\(silent.port)")
        config.upstreamTimeout = .milliseconds(500)
        let app = try await buildApplication(config)
        let started = ContinuousClock.now
        try await app.test(.live) { client in
            let response = try await client.post(Self.uri, "phone=12020721369&body=hi")
            #expect(response.status == .ok)
            #expect(response.json["sent"] as? Bool == false)
            let text = try #require(response.json["message"] as? String)
            #expect(text.contains("within 0.5 s"), "\(text)")
            #expect(text.contains("outcome is unknown"))
        }
        await silent.close()
        // Far above 0.5 s, only to catch a reply that waits for the upstream instead of the timeout.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test(".live: an upstream nobody listens on → sent:false saying nothing was sent")
    func unreachableUpstream() async throws {
        let world = try await TestWorld.make()
        // A port held by a socket that never listens: refused, and no other test can take it meanwhile.
        let closed = try ClosedPort()
        defer { closed.release() }
        let app = try await buildApplication(world.configuration(graphURL: "http://127.0.0.1:\(closed.port)"))
        try await app.test(.live) { client in
            let response = try await client.post(Self.uri, "phone=12020721369&body=hi")
            #expect(response.json["sent"] as? Bool == false)
            #expect((response.json["message"] as? String)?.contains("nothing was sent") == true, "\(response.text)")
        }
    }

    @Test(
        "sent:false carries Meta's code as `code` when Meta refused, and no `code` at all when Meta was not reached",
        arguments: [
            (CloudCallFailure.meta(131064, "(#131064) Messaging limit reached"), 131064),
            (.meta(130429, "(#130429) Rate limit hit"), 130429),
            (.unreachable(reason: "connection refused"), nil),
            (.timedOut(seconds: 30), nil),
            (.unexpectedResponse(httpStatus: 502), nil),
        ] as [(CloudCallFailure, Int?)])
    func refusalCode(failure: CloudCallFailure, code: Int?) async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onSendMessage = { _ in .failure(failure) }
        let app = try await world.bridge(graph: graph) { config in
            // No time to retry: the first failure is the answer.
            config.sendRetryWindow = .zero
            config.upstreamTimeout = .zero
        }
        let response = try await app.test(.router) { client in try await client.post(Self.uri, "phone=12020721369&body=hi") }
        #expect(response.status == (code == 130429 ? .tooManyRequests : .ok))
        #expect(response.json["sent"] as? Bool == false)
        if let code {
            #expect(response.json["code"] as? Int == code, "\(response.text)")
            #expect((response.json["message"] as? String)?.hasPrefix("\(code): ") == true)
        } else {
            #expect(response.json["code"] == nil, "no code, not even null: \(response.text)")
        }
    }

    @Test("a refused upload before a sendFile → sent:false with the upload's Meta code")
    func refusedUploadCode() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onUploadMedia = { _ in .failure(.meta(131053, "(#131053) Media upload error", details: "Unsupported file type")) }
        let app = try await world.bridge(graph: graph)
        let response = try await app.test(.router) { client in
            try await client.post(
                "/alpha/sendFile?token=\(TestWorld.alphaToken)",
                #"{"phone": "12020721369", "body": "data:image/png;base64,iVBORw0KGgo=", "filename": "a.png"}"#,
                contentType: "application/json")
        }
        #expect(response.json["sent"] as? Bool == false)
        #expect(response.json["code"] as? Int == 131053, "\(response.text)")
        #expect(graph.log.operations == ["uploadMedia"])
    }
}
