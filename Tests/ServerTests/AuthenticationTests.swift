import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("1MSG authentication")
struct AuthenticationTests {
    static let sendBody = "phone=12020721369&body=hi"

    @Test("no token → 401 in 1MSG's words")
    func noToken() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let response = try await client.post("/alpha/sendMessage", Self.sendBody)
            #expect(response.status == .unauthorized)
            #expect(
                response.json["error"] as? String
                    == #"Wrong token "" for channel "alpha". Please provide token as a GET parameter."#)
            let unscoped = try await client.post("/sendMessage", Self.sendBody)
            #expect(unscoped.status == .unauthorized)
        }
    }

    @Test("wrong token → 401 with the token masked")
    func wrongToken() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let response = try await client.post("/alpha/sendMessage?token=not-the-right-token", Self.sendBody)
            #expect(response.status == .unauthorized)
            #expect(
                response.json["error"] as? String
                    == #"Wrong token "***************oken" for channel "alpha". Please provide token as a GET parameter."#)
        }
    }

    @Test("a wrong or foreign token header → 401 in 1MSG's words, the token masked")
    func wrongTokenHeader() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let wrong = try await client.post("/alpha/sendMessage", Self.sendBody, headers: [HTTPField.Name("token")!: "not-the-right-token"])
            #expect(wrong.status == .unauthorized)
            #expect(
                wrong.json["error"] as? String
                    == #"Wrong token "***************oken" for channel "alpha". Please provide token as a GET parameter."#)
            let foreign = try await client.post("/alpha/sendMessage", Self.sendBody, headers: [HTTPField.Name("token")!: TestWorld.betaToken])
            #expect(foreign.status == .unauthorized)
            let unscoped = try await client.post("/sendMessage", Self.sendBody, headers: [HTTPField.Name("token")!: "not-the-right-token"])
            #expect(unscoped.status == .unauthorized)
            let empty = try await client.post("/alpha/sendMessage", Self.sendBody, headers: [HTTPField.Name("token")!: ""])
            #expect(empty.status == .unauthorized)
        }
    }

    @Test("the token of another channel is refused, and so is an unknown channel")
    func foreignToken() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let foreign = try await client.post("/alpha/sendMessage?token=\(TestWorld.betaToken)", Self.sendBody)
            #expect(foreign.status == .unauthorized)
            #expect((foreign.json["error"] as? String)?.contains(#"for channel "alpha""#) == true)
            let unknown = try await client.post("/nosuch/sendMessage?token=\(TestWorld.alphaToken)", Self.sendBody)
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test("a body token that is not a string is refused, naming the field, even beside a good query token")
    func nonStringBodyToken() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let response = try await client.post(
                "/alpha/sendMessage?token=\(TestWorld.alphaToken)", #"{"token":42,"phone":"12020721369","body":"hi"}"#,
                contentType: "application/json")
            #expect(response.status == .badRequest)
            #expect(response.json["error"] as? String == "Invalid request: token: must be a string, not a number")
        }
    }

    @Test(
        "accepted ways to present the token",
        arguments: [
            (
                "query token with channel path", "/alpha/sendMessage?token=\(TestWorld.alphaToken)", [:], "phone=12020721369&body=hi",
                "application/x-www-form-urlencoded"
            ),
            (
                "query token without channel path", "/sendMessage?token=\(TestWorld.alphaToken)", [:], "phone=12020721369&body=hi",
                "application/x-www-form-urlencoded"
            ),
            (
                "Bearer only", "/alpha/sendMessage", ["Authorization": "Bearer \(TestWorld.alphaToken)"], "phone=12020721369&body=hi",
                "application/x-www-form-urlencoded"
            ),
            (
                "Bearer only, no channel path", "/sendMessage", ["Authorization": "Bearer \(TestWorld.alphaToken)"],
                #"{"phone":12020721369,"body":"hi"}"#, "application/json"
            ),
            (
                "token in the JSON body", "/alpha/sendMessage", [:],
                #"{"token":"\#(TestWorld.alphaToken)","chatId":"","phone":"12020721369","body":"hi"}"#, "application/json"
            ),
            (
                "token header only (1MSG's generated SDKs)", "/alpha/sendMessage", ["token": TestWorld.alphaToken], "phone=12020721369&body=hi",
                "application/x-www-form-urlencoded"
            ),
            (
                "token header only, no channel path", "/sendMessage", ["token": TestWorld.alphaToken], #"{"phone":12020721369,"body":"hi"}"#,
                "application/json"
            ),
            (
                "token repeated in the query, the right one second", "/alpha/sendMessage?token=stale-token-0000&token=\(TestWorld.alphaToken)", [:],
                "phone=12020721369&body=hi", "application/x-www-form-urlencoded"
            ),
        ] as [(String, String, [String: String], String, String)])
    func accepted(name: String, uri: String, headers: [String: String], body: String, contentType: String) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.acceptingMessages()
        let app = try await world.bridge(graph: graph)
        try await app.test(.router) { client in
            var fields = HTTPFields()
            for (key, value) in headers { fields[HTTPField.Name(key)!] = value }
            let response = try await client.post(uri, body, contentType: contentType, headers: fields)
            #expect(response.status == .ok, "\(name): \(response.text)")
            #expect(response.json["sent"] as? Bool == true, "\(name): \(response.text)")
        }
        let upstream = try #require(graph.log.all.first)
        #expect(upstream.channelID == "alpha")
        let sent = String(decoding: try JSONEncoder().encode(upstream.json), as: UTF8.self)
        #expect(!sent.contains("token"), "the 1MSG token must not travel upstream")
    }
}
