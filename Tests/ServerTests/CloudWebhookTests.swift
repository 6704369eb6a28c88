import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("Meta webhook endpoint")
struct CloudWebhookTests {
    static func statusPayload(phoneNumberID: String = "1001", status: String = "delivered") throws -> [UInt8] {
        let payload = CloudWebhookPayload(entry: [
            .init(
                id: "2001",
                changes: [
                    .init(
                        field: "messages",
                        value: .init(
                            metadata: .init(displayPhoneNumber: "15550001001", phoneNumberID: phoneNumberID),
                            statuses: [.init(id: "wamid.X", status: status, timestamp: "1700000000", recipientID: "12020721369")]))
                ])
        ])
        return Array(try JSONEncoder().encode(payload))
    }

    @Test("the hub.challenge handshake answers a known verify token and refuses others")
    func handshake() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            let ok = try await client.execute(
                uri: "/cloud/webhook?hub.mode=subscribe&hub.verify_token=beta-verify-token&hub.challenge=1158201444", method: .get)
            #expect(ok.status == .ok)
            #expect(ok.text == "1158201444")
            let wrong = try await client.execute(
                uri: "/cloud/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444", method: .get)
            #expect(wrong.status == .forbidden)
            let noMode = try await client.execute(uri: "/cloud/webhook?hub.verify_token=beta-verify-token&hub.challenge=1", method: .get)
            #expect(noMode.status == .forbidden)
        }
    }

    @Test("a signed delivery is committed before the 200; a bad or missing signature gets 401 and changes nothing")
    func signatures() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        let body = try Self.statusPayload()
        try await app.test(.router) { client in
            func post(_ signature: String?) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let signature { headers[HTTPField.Name("X-Hub-Signature-256")!] = signature }
                return try await client.execute(uri: "/cloud/webhook", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            }
            #expect(try await post(nil).status == .unauthorized)
            #expect(try await post("sha256=" + String(repeating: "0", count: 64)).status == .unauthorized)
            // Signed with the other channel's secret: not valid for the number in the payload.
            #expect(try await post(WebhookSignature.header(for: body, appSecret: TestWorld.beta.appSecret)).status == .unauthorized)
            #expect(try await world.store().recentInboundPayloads(limit: 10).isEmpty)

            let accepted = try await post(WebhookSignature.header(for: body, appSecret: TestWorld.alpha.appSecret))
            #expect(accepted.status == .ok)
            #expect(try await world.store().recentInboundPayloads(limit: 10) == [body])
        }
    }

    @Test("a payload for an unknown number, signed by one of our apps, is kept and answered 200")
    func unknownNumber() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        let body = try Self.statusPayload(phoneNumberID: "999")
        try await app.test(.router) { client in
            let response = try await client.postWebhook(body, signedWith: TestWorld.alpha.appSecret)
            #expect(response.status == .ok)
        }
        #expect(try await world.store().recentInboundPayloads(limit: 10).count == 1)
    }

    @Test("the signature is checked over the raw bytes before decoding: unsigned garbage → 401, signed garbage → 400")
    func malformed() async throws {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: FakeGraphAPI())
        let garbage = Array("{not json".utf8)
        try await app.test(.router) { client in
            let unsigned = try await client.post("/cloud/webhook", "{not json", contentType: "application/json")
            #expect(unsigned.status == .unauthorized)
            let signed = try await client.postWebhook(garbage, signedWith: TestWorld.beta.appSecret)
            #expect(signed.status == .badRequest)
        }
        #expect(try await world.store().recentInboundPayloads(limit: 10).isEmpty)
    }
}

extension TestClientProtocol {
    /// POSTs `body` to `/cloud/webhook` as Meta does, signed with `appSecret`.
    func postWebhook(_ body: [UInt8], signedWith appSecret: String) async throws -> TestResponse {
        try await execute(
            uri: "/cloud/webhook", method: .post,
            headers: [
                .contentType: "application/json",
                HTTPField.Name("X-Hub-Signature-256")!: WebhookSignature.header(for: body, appSecret: appSecret),
            ],
            body: ByteBuffer(bytes: body))
    }
}
