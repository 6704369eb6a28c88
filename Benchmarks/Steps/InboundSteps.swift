import Cloud
import Foundation
import OneMsg
import Translation

/// Cloud webhook → 1MSG events: decoding Meta's POST body, translating its changes, encoding the events.
enum InboundSteps {
    /// The encoder of every event body, set as `ClientEvents.encoder` is (Sources/Delivery, not exported).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static let appSecret = "benchmark-app-secret"

    /// The pure part of `ClientEvents.inboundCommit` for one delivery: decode, translate every change, and encode
    /// what is stored and queued (each message alone and in its `messages` webhook; each status as Meta sent it
    /// and its `ack` webhook). Answers the bytes encoded.
    static func pipeline(_ body: [UInt8]) throws -> Int {
        let payload = try CloudWebhookPayload.decoding(body)
        var bytes = 0
        for entry in payload.entry {
            for change in entry.changes {
                let events = InboundTranslation.events(from: change.value, field: change.field) {
                    "https://bridge.example/media/\($0.id)"
                }
                for message in events.messages {
                    bytes += try encoder.encode(message).count
                    bytes += try encoder.encode(MessagesWebhook(instanceId: "channel-1", messages: [message])).count
                }
                for (status, ack) in zip(change.value.statuses ?? [], events.acks) {
                    bytes += try encoder.encode(status).count
                    bytes += try encoder.encode(AckWebhook(instanceId: "channel-1", ack: [ack])).count
                }
            }
        }
        return bytes
    }

    /// The `status-delivered` fixture with `count` statuses in its one change, cycling sent, delivered and read,
    /// as Meta batches them under load.
    static func statusBatch(count: Int) -> [UInt8] {
        var payload = Inputs.webhookPayload("status-delivered")
        guard var entries = payload["entry"] as? [[String: Any]], var changes = entries[0]["changes"] as? [[String: Any]],
            var value = changes[0]["value"] as? [String: Any], let statuses = value["statuses"] as? [[String: Any]]
        else { fatalError("fixtures/webhooks/status-delivered.json: no statuses") }
        let kinds = ["sent", "delivered", "read"]
        value["statuses"] = (0..<count).map { index -> [String: Any] in
            var status = statuses[0]
            status["id"] = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI\(String(format: "%04d", index))QTk4NzY1NDMyMTBB"
            status["status"] = kinds[index % kinds.count]
            return status
        }
        changes[0]["value"] = value
        entries[0]["changes"] = changes
        payload["entry"] = entries
        return Inputs.bytes(payload)
    }

    static func all() -> [Step] {
        let inputs = [
            ("text message", Inputs.bytes(Inputs.webhookPayload("message-text"))),
            ("10 statuses", statusBatch(count: 10)),
        ]
        var steps: [Step] = []
        for (name, body) in inputs {
            // An input that stopped decoding would measure the refusal: fail loudly instead.
            precondition(try! pipeline(body) > 0, "\(name): no events")
            steps.append(Step("Webhook \(name) (\(body.count) B): decode") { keep(try CloudWebhookPayload.decoding(body)) })
            steps.append(Step("Webhook \(name) (\(body.count) B): decode → events → JSON") { keep(try pipeline(body)) })
        }
        let text = inputs[0].1
        let signature = WebhookSignature.header(for: text, appSecret: appSecret)
        steps.append(
            Step("Webhook text message: verify signature") {
                keep(WebhookSignature.isValid(signature, body: text, appSecret: appSecret))
            })
        return steps
    }
}
