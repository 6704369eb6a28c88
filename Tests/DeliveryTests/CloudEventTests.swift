import Cloud
import Delivery
import Foundation
import OneMsg
import Store
import Testing

/// CloudEvents for event sinks without HTTP or a database: the documents, their stable ids, batches, how the
/// dispatcher tells them from 1MSG bodies, and which events a Meta delivery queues to the sinks.
@Suite("CloudEvents for event sinks")
struct CloudEventTests {
    static let sink = "http://127.0.0.1:9/events"

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("a document has every required attribute, specversion first, and data as given")
    func documentShape() throws {
        let event = CloudEvent(
            id: "wamid.1", kind: .messageReceived, channelID: "alpha", subject: "12020721369@c.us",
            time: Date(timeIntervalSince1970: 1_700_000_000), data: Array(#"{"onemsg":{"id":"wamid.1"}}"#.utf8))
        let encoded = try event.encoded()
        #expect(encoded.starts(with: Array(#"{"specversion":"1.0","#.utf8)))
        let document = try Self.object(encoded)
        #expect(document["specversion"] as? String == "1.0")
        #expect(document["id"] as? String == "wamid.1")
        #expect(document["source"] as? String == "/onemsg-bridge/alpha")
        #expect(document["type"] as? String == "whatsapp-business-message-received")
        #expect(document["subject"] as? String == "12020721369@c.us")
        #expect(document["time"] as? String == "2023-11-14T22:13:20Z")
        #expect(document["datacontenttype"] as? String == "application/json")
        #expect((document["data"] as? [String: Any])?["onemsg"] as? [String: String] == ["id": "wamid.1"])
    }

    @Test("an empty subject is left out")
    func noSubject() throws {
        let event = CloudEvent(id: "x", kind: .templateStatusUpdated, channelID: "alpha", subject: "", time: Date(), data: Array("{}".utf8))
        #expect(try Self.object(try event.encoded())["subject"] == nil)
    }

    @Test(
        "each status of Meta has its type; others have none",
        arguments: [
            ("sent", "whatsapp-business-message-sent"), ("delivered", "whatsapp-business-message-delivered"),
            ("read", "whatsapp-business-message-read"), ("failed", "whatsapp-business-message-failed"),
        ])
    func statusTypes(status: String, type: String) throws {
        let event = try #require(
            try CloudEvent.status(status, wamid: "wamid.O", channelID: "alpha", chatID: "1@c.us", time: Date(), item: Array("{}".utf8), meta: nil))
        #expect(event.kind.rawValue == type)
        #expect(event.id == "wamid.O/\(status)")
        #expect(try CloudEvent.status("deleted", wamid: "w", channelID: "a", chatID: "c", time: Date(), item: [], meta: nil) == nil)
    }

    @Test("the template status event carries Meta's value as data and a stable id")
    func templateStatus() throws {
        let value: CloudJSON = [
            "event": "APPROVED", "message_template_id": .number("594425479261596"), "message_template_name": "order_update",
            "message_template_language": "en_US", "reason": "NONE",
        ]
        let event = try CloudEvent.templateStatus(value: value, channelID: "alpha", entryTime: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(event.kind == .templateStatusUpdated)
        #expect(event.id == "template/594425479261596/APPROVED/1700000000")
        #expect(event.subject == "order_update")
        let data = try #require(try Self.object(try event.encoded())["data"] as? [String: Any])
        #expect(data["event"] as? String == "APPROVED" && data["message_template_id"] as? Int == 594_425_479_261_596)
    }

    @Test("a batch the store joins is a JSON array of the documents, recognized as a batch")
    func batch() throws {
        let documents = try ["a", "b"].map {
            try CloudEvent(id: $0, kind: .messageRead, channelID: "alpha", subject: "1@c.us", time: Date(), data: Array("{}".utf8)).encoded()
        }
        let body = try #require(
            QueuedEvent.batched(documents.map { QueuedEvent(channelID: "alpha", urls: [Self.sink], chatID: "1@c.us", body: $0, batch: true) }).first
        ).body
        let array = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]])
        #expect(array.map { $0["id"] as? String } == ["a", "b"])
        #expect(OutboxBodyFormat(of: body) == .cloudEventBatch)
        #expect(OutboxBodyFormat(of: body).contentType == "application/cloudevents-batch+json")
    }

    @Test("the dispatcher's content type: CloudEvents by their first bytes, 1MSG bodies as JSON")
    func contentTypes() throws {
        let document = try CloudEvent(id: "a", kind: .messageSent, channelID: "c", subject: "", time: Date(), data: Array("{}".utf8)).encoded()
        #expect(OutboxBodyFormat(of: document).contentType == "application/cloudevents+json")
        #expect(OutboxBodyFormat(of: Array(#"{"instanceId":"alpha","messages":[]}"#.utf8)).contentType == "application/json")
        #expect(OutboxBodyFormat(of: Array(#"{"entry":[],"instanceId":"alpha"}"#.utf8)) == .oneMsg)
        #expect(OutboxBodyFormat(of: Array(#"[{"id":1}]"#.utf8)) == .oneMsg)
        #expect(OutboxBodyFormat(of: []) == .oneMsg)
    }

    @Test("the store's batch join of CloudEvent documents is a CloudEvents batch, per chat and sink")
    func storeBatchJoin() throws {
        func document(_ id: String) throws -> [UInt8] {
            try CloudEvent(id: id, kind: .messageReceived, channelID: "alpha", subject: "1@c.us", time: Date(), data: Array("{}".utf8)).encoded()
        }
        let events = try [("a", "1@c.us"), ("b", "2@c.us"), ("c", "1@c.us")].map { id, chat in
            QueuedEvent(channelID: "alpha", urls: [Self.sink], chatID: chat, body: try document(id), batch: true)
        }
        let joined = QueuedEvent.batched(events)
        #expect(joined.map(\.chatID) == ["1@c.us", "2@c.us"])
        #expect(joined.allSatisfy { OutboxBodyFormat(of: $0.body) == .cloudEventBatch && !$0.batch })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(joined[0].body)) as? [[String: Any]])
        #expect(first.map { $0["id"] as? String } == ["a", "c"])
        #expect(joined[0].body == Array("[".utf8) + (try document("a")) + Array(",".utf8) + (try document("c")) + Array("]".utf8))
    }
}
