import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SandboxMode
import Server
import Testing

/// A sandbox bridge (the simulator beside it) over real sockets, as `serve --sandbox` runs, with the demo
/// channel's webhooks going to a receiver: what the sandbox tests drive.
struct SandboxSession {
    let client: any TestClientProtocol
    /// The demo channel's token, from the banner.
    let token: String
    /// The simulator's `/sandbox/inbound`, from the banner.
    let inboundURL: String
    let receiver: WebhookReceiver

    /// Starts a sandbox, points the demo channel's webhook at a receiver, and runs `body` with it.
    static func run(_ body: @Sendable (SandboxSession) async throws -> Void) async throws {
        let world = try await TestWorld.make()
        let logs = LogCapture()
        let receiver = WebhookReceiver()
        var config = world.configuration(graphURL: "http://unused.invalid", logs: logs)
        config.sandbox = true
        config.sandboxStatusDelay = .milliseconds(10)
        let app = try await buildApplication(config, dependencies: BridgeDependencies(simulatedUpstream: SandboxUpstream()))
        try await receiver.run { hook in
            try await app.test(.live) { client in
                #expect(await eventually { logs.text.contains("/sandbox/inbound") })
                let token = try #require(logs.text.firstMatch(of: /token=([A-Za-z0-9]+)/)?.output.1)
                let line = try #require(logs.text.components(separatedBy: "\n").first { $0.contains("/sandbox/inbound") })
                let url = String(try #require(line.firstMatch(of: /'(http[^']+)'/)?.output.1))
                let store = world.store()
                var channel = try #require(try await store.channel(id: "sandbox"))
                channel.settings.webhookURLs = [hook]
                try await store.updateSettings(channelID: "sandbox", settings: channel.settings)
                try await body(SandboxSession(client: client, token: String(token), inboundURL: url, receiver: receiver))
            }
        }
    }

    /// A customer writes to the business: `form` goes to the simulator's `/sandbox/inbound`; answers its HTTP status.
    func customerWrites(_ form: String) async throws -> UInt {
        var request = HTTPClientRequest(url: inboundURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code
    }

    /// A 1MSG call on the demo channel with a JSON body.
    func post(_ operation: String, _ json: String) async throws -> TestResponse {
        try await client.post("/sandbox/\(operation)?token=\(token)", json, contentType: "application/json")
    }
}

@Suite("Sandbox: customers without a visible number")
struct SandboxIdentityTests {
    static let bsuid = "CO.1726691741709890"

    @Test(".live sandbox: a send to <BSUID>@lid gets acks whose chatId is <BSUID>@lid, phone and bsuid the BSUID")
    func acksForCustomerWithoutNumber() async throws {
        try await SandboxSession.run { sandbox in
            let sent = try await sandbox.post("sendMessage", #"{"chatId": "\#(Self.bsuid)@lid", "body": "hi"}"#)
            #expect(sent.json["sent"] as? Bool == true, "\(sent.text)")
            #expect(await eventually { sandbox.receiver.items("ack").count == 3 })
            let acks = sandbox.receiver.items("ack")
            #expect(acks.compactMap { $0["status"] as? String } == ["sent", "delivered", "read"])
            for ack in acks {
                #expect(ack["chatId"] as? String == "\(Self.bsuid)@lid")
                #expect(ack["phone"] as? String == Self.bsuid)
                #expect(ack["bsuid"] as? String == Self.bsuid)
            }
        }
    }

    @Test(".live sandbox: a customer without a number writes (user_id, username); the client gets <BSUID>@lid and answers by username")
    func customerWithoutNumber() async throws {
        try await SandboxSession.run { sandbox in
            let written = try await sandbox.customerWrites("user_id=\(Self.bsuid)&username=quiet.buyer&text=where+is+my+order&name=Quiet")
            #expect(written == 200)
            #expect(await eventually { !sandbox.receiver.items("messages").isEmpty })
            let item = try #require(sandbox.receiver.items("messages").first)
            #expect(item["chatId"] as? String == "\(Self.bsuid)@lid")
            #expect(item["author"] as? String == "\(Self.bsuid)@lid")
            #expect(item["authorBsuid"] as? String == Self.bsuid)
            #expect(item["authorUserName"] as? String == "quiet.buyer")
            #expect(item["senderName"] as? String == "Quiet")

            let answer = try await sandbox.post("sendMessage", #"{"username": "quiet.buyer", "body": "It ships today"}"#)
            #expect(answer.json["sent"] as? Bool == true, "\(answer.text)")
            #expect(answer.json["message"] as? String == "Sent to \(Self.bsuid)@lid")
        }
    }
}
