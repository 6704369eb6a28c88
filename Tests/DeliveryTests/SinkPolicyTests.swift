import Cloud
import Delivery
import Foundation
import OneMsg
import Store
import Testing

/// Which CloudEvents a Meta delivery queues to a channel's event sinks, beside its 1MSG webhook events.
@Suite("Inbound policy: event sinks")
struct SinkPolicyTests {
    static let sink = CloudEventTests.sink

    static func document(_ event: QueuedEvent) throws -> [String: Any] {
        try CloudEventTests.object(event.body)
    }

    @Test("a customer's message goes to a channel with sinks only, as a CloudEvent with the 1MSG item and Meta's message")
    func messageToSinkOnly() throws {
        let channel = InboundPolicyTests.channel(ChannelSettings(eventSinks: [Self.sink]))
        let commit = try InboundPolicyTests.commit(InboundPolicyTests.payload(message: true), channel: channel)
        let events = try #require(commit.messages.first?.events)
        #expect(events.count == 1 && events[0].urls == [Self.sink] && events[0].chatID == "12020721369@c.us")
        let document = try Self.document(events[0])
        #expect(document["type"] as? String == "whatsapp-business-message-received")
        #expect(document["id"] as? String == "wamid.IN1")
        #expect(document["subject"] as? String == "12020721369@c.us")
        #expect(document["time"] as? String == "2023-11-14T22:13:20Z")
        let data = try #require(document["data"] as? [String: Any])
        #expect((data["onemsg"] as? [String: Any])?["id"] as? String == "wamid.IN1")
        #expect(((data["meta"] as? [String: Any])?["text"] as? [String: Any])?["body"] as? String == "hi")
    }

    @Test("the same Meta delivery twice makes byte-identical documents (receivers deduplicate on the id)")
    func stableDocuments() throws {
        let channel = InboundPolicyTests.channel(ChannelSettings(webhookURLs: [InboundPolicyTests.hook], eventSinks: [Self.sink]))
        func bodies() throws -> [[UInt8]] {
            let message = try InboundPolicyTests.commit(InboundPolicyTests.payload(message: true), channel: channel)
            let status = try InboundPolicyTests.commit(InboundPolicyTests.payload(status: "read"), channel: channel)
            return (message.messages.flatMap(\.events) + status.statuses.flatMap(\.events)).map(\.body)
        }
        let first = try bodies()
        #expect(first.count == 4)
        #expect(first == (try bodies()))
    }

    @Test("statuses go to the sinks whatever ackNotificationsOn says; the 1MSG ack follows the setting")
    func statusesRegardlessOfAcks() throws {
        let quiet = InboundPolicyTests.channel(
            ChannelSettings(webhookURLs: [InboundPolicyTests.hook], ackNotificationsOn: false, eventSinks: [Self.sink]))
        let events = try #require(
            try InboundPolicyTests.commit(InboundPolicyTests.payload(status: "delivered"), channel: quiet).statuses.first?.events)
        #expect(events.map(\.urls) == [[Self.sink]])
        let document = try Self.document(events[0])
        #expect(document["type"] as? String == "whatsapp-business-message-delivered")
        #expect(document["id"] as? String == "wamid.OUT1/delivered")
        let data = try #require(document["data"] as? [String: Any])
        #expect((data["onemsg"] as? [String: Any])?["status"] as? String == "delivered")
        #expect((data["meta"] as? [String: Any])?["recipient_id"] as? String == "12020721369")

        let both = InboundPolicyTests.channel(ChannelSettings(webhookURLs: [InboundPolicyTests.hook], eventSinks: [Self.sink]))
        let pair = try #require(try InboundPolicyTests.commit(InboundPolicyTests.payload(status: "read"), channel: both).statuses.first?.events)
        #expect(pair.map(\.urls) == [[InboundPolicyTests.hook], [Self.sink]])
    }

    @Test("no sinks: nothing more than before is queued")
    func noSinks() throws {
        let channel = InboundPolicyTests.channel(ChannelSettings(webhookURLs: [InboundPolicyTests.hook]))
        let commit = try InboundPolicyTests.commit(InboundPolicyTests.payload(message: true, status: "sent"), channel: channel)
        #expect(commit.messages.map(\.events.count) == [1])
        #expect(commit.statuses.map(\.events.count) == [1])
    }

    static let templatePayload = Array(
        #"""
        {"object": "whatsapp_business_account", "entry": [{"id": "2001", "time": 1700000000, "changes": [{"field": "message_template_status_update",
        "value": {"event": "APPROVED", "message_template_id": 594425479261596, "message_template_name": "order_update",
        "message_template_language": "en_US", "reason": "NONE"}}]}]}
        """#.utf8)

    @Test("a template status change goes to every channel of its WABA as a keyed event, once per template, event and time")
    func templateStatus() throws {
        let payload = try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(Self.templatePayload))
        #expect(ClientEvents.templateStatusAccounts(in: payload) == ["2001"])
        #expect(ClientEvents.handledFields.contains("message_template_status_update"))
        let withSinks = InboundPolicyTests.channel(ChannelSettings(eventSinks: [Self.sink]))
        var other = InboundPolicyTests.channel(ChannelSettings(), phoneNumberID: "1002")
        other.id = "beta"
        let commit = try ClientEvents.inboundCommit(
            payload: payload, raw: Self.templatePayload, channels: [:], accounts: ["2001": [withSinks, other]],
            receivedAt: Date(timeIntervalSince1970: 0), mediaURL: { _, _ in "" })
        #expect(commit.unroutablePhoneNumberIDs.isEmpty && commit.messages.isEmpty)
        #expect(commit.keyedEvents.map(\.channelID) == ["alpha", "beta"])
        #expect(commit.keyedEvents.map(\.key) == Array(repeating: "template/594425479261596/APPROVED/1700000000", count: 2))
        #expect(commit.keyedEvents.map(\.events.count) == [1, 0], "a channel without sinks only remembers the key")
        let document = try Self.document(try #require(commit.keyedEvents.first?.events.first))
        #expect(document["type"] as? String == "whatsapp-business-template-status-updated")
        #expect(document["time"] as? String == "2023-11-14T22:13:20Z")
        #expect((document["data"] as? [String: Any])?["message_template_name"] as? String == "order_update")
    }

    @Test("eventBatch marks the sink events as batch events; the 1MSG events never are")
    func batchFlag() throws {
        let channel = InboundPolicyTests.channel(
            ChannelSettings(webhookURLs: [InboundPolicyTests.hook], eventSinks: [Self.sink], eventBatch: true))
        let commit = try InboundPolicyTests.commit(InboundPolicyTests.payload(message: true, status: "read"), channel: channel)
        let events = commit.messages.flatMap(\.events) + commit.statuses.flatMap(\.events)
        #expect(events.map(\.batch) == [false, true, false, true])
    }
}
