import Delivery
import Foundation
import Store
import Testing

@Suite("Standard Webhooks signatures")
struct StandardWebhookSignatureTests {
    /// The example of the Standard Webhooks reference libraries, which the `standardwebhooks` package also signs so.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("the signature of the reference example")
    func referenceExample() {
        let signature = StandardWebhookSignature.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8), secret: Self.secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("a secret that is not whsec_ and base64 of 24 to 64 bytes signs nothing")
    func malformedSecrets() {
        for secret in ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_" + Data(count: 8).base64EncodedString()] {
            #expect(StandardWebhookSignature.signature(id: "msg_1", timestamp: 1, body: [], secret: secret) == nil)
        }
        let generated = WebhookSigningSecrets.generateSecret()
        #expect(WebhookSigningSecrets.key(of: generated)?.count == 32)
        #expect(generated != WebhookSigningSecrets.generateSecret())
    }

    @Test("the id depends on the body only, so every attempt and replay of a delivery has the same one")
    func stableIDs() {
        let body = Array(#"{"instanceId":"alpha","messages":[]}"#.utf8)
        let first = StandardWebhookSignature.headers(body: body, secrets: .init(current: Self.secret), now: Date(timeIntervalSince1970: 10))
        let later = StandardWebhookSignature.headers(body: body, secrets: .init(current: Self.secret), now: Date(timeIntervalSince1970: 99))
        #expect(first[0] == later[0])
        #expect(first[0].name == "webhook-id" && first[0].value.hasPrefix("msg_"))
        #expect(first[1] == (name: "webhook-timestamp", value: "10"))
        let other = StandardWebhookSignature.headers(body: body + [32], secrets: .init(current: Self.secret), now: Date())
        #expect(other[0].value != first[0].value)
    }

    @Test("after a rotation both secrets sign for a day, then only the new one")
    func rotation() throws {
        let rotatedAt = Date(timeIntervalSince1970: 1_000_000)
        let replacement = WebhookSigningSecrets.generateSecret()
        let secrets = WebhookSigningSecrets(current: Self.secret).rotated(to: replacement, at: rotatedAt)
        #expect(secrets.current == replacement && secrets.previous == Self.secret)
        let body = Array("{}".utf8)
        let during = StandardWebhookSignature.headers(body: body, secrets: secrets, now: rotatedAt.addingTimeInterval(3_600))
        let signatures = during[2].value.split(separator: " ").map(String.init)
        let id = during[0].value
        let timestamp = try #require(Int(during[1].value))
        #expect(
            signatures
                == [replacement, Self.secret].map {
                    StandardWebhookSignature.signature(id: id, timestamp: timestamp, body: body, secret: $0)!
                })
        let after = StandardWebhookSignature.headers(body: body, secrets: secrets, now: rotatedAt.addingTimeInterval(86_401))
        #expect(after[2].value.split(separator: " ").count == 1)
    }
}
