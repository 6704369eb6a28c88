import Cloud
import Delivery
import Foundation
import OneMsg
import Store
import Testing

/// The inbound policy without HTTP or a database: a channel's settings × Meta's events → what is committed and
/// which deliveries are queued.
@Suite("Inbound policy: settings × events → deliveries")
struct InboundPolicyTests {
    static let hook = "http://127.0.0.1:9/hook"

    static func channel(_ settings: ChannelSettings, phoneNumberID: String = "1001") -> ChannelRecord {
        ChannelRecord(
            id: "alpha", tokenHash: "h", phoneNumberID: phoneNumberID, wabaID: "2001", accessToken: "a", appSecret: "s",
            verifyToken: "v", settings: settings)
    }

    /// One Meta change for number `phoneNumberID`: an inbound text, or a status of a sent message.
    static func payload(phoneNumberID: String = "1001", message: Bool = false, status: String? = nil) -> [UInt8] {
        let messages =
            message
            ? #", "contacts": [{"wa_id": "12020721369", "profile": {"name": "Ann"}}], "messages": [{"from": "12020721369", "id": "wamid.IN1", "timestamp": "1700000000", "type": "text", "text": {"body": "hi"}}]"#
            : ""
        let statuses =
            status.map {
                #", "statuses": [{"id": "wamid.OUT1", "status": "\#($0)", "timestamp": "1700000001", "recipient_id": "12020721369"}]"#
            } ?? ""
        return Array(
            #"""
            {"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001001", "phone_number_id": "\#(phoneNumberID)"}\#(messages)\#(statuses)}}]}]}
            """#.utf8)
    }

    static func commit(_ raw: [UInt8], channel: ChannelRecord) throws -> InboundCommit {
        let payload = try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(raw))
        return try ClientEvents.inboundCommit(
            payload: payload, raw: raw, channels: [channel.phoneNumberID: channel], receivedAt: Date(timeIntervalSince1970: 0),
            mediaURL: { _, media in "https://bridge.example/media/\(media.id)" })
    }

    static func json(_ event: QueuedEvent?) -> [String: Any] {
        guard let event else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any]) ?? [:]
    }

    /// One row of the table: settings, an event, and the deliveries it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var settings: ChannelSettings
        var message = false
        var status: String?
        /// The `ack` status pushed, or `nil` for none.
        var pushedAck: String?
        var pushesMessage = false
        var pushesRaw = false
        var singleAttempt = false

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "an inbound message goes to the webhook", settings: .init(webhookURLs: [hook]), message: true, pushesMessage: true),
        Case(name: "no webhook URL: the message is kept, nothing is queued", settings: .init(), message: true),
        Case(name: "an ack goes out while acks are on", settings: .init(webhookURLs: [hook]), status: "delivered", pushedAck: "delivered"),
        Case(name: "acks off: the status is kept, no ack", settings: .init(webhookURLs: [hook], ackNotificationsOn: false), status: "delivered"),
        Case(name: "read stays read by default", settings: .init(webhookURLs: [hook]), status: "read", pushedAck: "read"),
        Case(
            name: "read becomes viewed for 2.39 clients", settings: .init(webhookURLs: [hook], readAckAsViewed: true), status: "read",
            pushedAck: "viewed"),
        Case(
            name: "rawHooks adds Meta's change as sent", settings: .init(webhookURLs: [hook], rawHooks: true), message: true,
            pushesMessage: true, pushesRaw: true),
        Case(
            name: "guaranteedHooks off: one attempt each", settings: .init(webhookURLs: [hook], guaranteedHooks: false), message: true,
            pushesMessage: true, singleAttempt: true),
    ]

    @Test("each setting shapes the deliveries", arguments: cases)
    func table(_ row: Case) throws {
        let commit = try Self.commit(Self.payload(message: row.message, status: row.status), channel: Self.channel(row.settings))
        #expect(commit.unroutablePhoneNumberIDs.isEmpty)
        #expect(commit.messages.count == (row.message ? 1 : 0), "the history keeps every message")
        #expect(commit.statuses.count == (row.status == nil ? 0 : 1), "every status is kept for /hookInfo and statistics")
        #expect(commit.messages.flatMap(\.events).count == (row.pushesMessage ? 1 : 0))
        if let message = commit.messages.first?.events.first {
            let item = try #require((Self.json(message)["messages"] as? [[String: Any]])?.first)
            #expect(item["chatId"] as? String == "12020721369@c.us")
            #expect(message.urls == [Self.hook])
            #expect(message.singleAttempt == row.singleAttempt)
        }
        let ack = commit.statuses.first?.events.first
        #expect((ack != nil) == (row.pushedAck != nil))
        if let pushedAck = row.pushedAck {
            let item = try #require((Self.json(ack)["ack"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == pushedAck)
            #expect(Self.json(ack)["instanceId"] as? String == "alpha")
        }
        #expect(commit.rawEvents.count == (row.pushesRaw ? 1 : 0))
        if let raw = commit.rawEvents.first {
            #expect(Self.json(raw)["instanceId"] as? String == "alpha")
            #expect(Self.json(raw)["object"] as? String == "whatsapp_business_account")
            #expect(raw.chatID == "12020721369@c.us", "raw events share the chat's line")
        }
    }

    @Test("contacts with a username and a business-scoped id are remembered for sends by username")
    func identities() throws {
        let raw = Array(
            #"""
            {"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001001", "phone_number_id": "1001"},
            "contacts": [{"user_id": "CO.1726691741709890", "profile": {"name": "Hidden", "username": "@quiet.buyer"}},
                         {"wa_id": "12020721369", "profile": {"name": "No username"}}],
            "messages": [{"from_user_id": "CO.1726691741709890", "id": "wamid.IN9", "timestamp": "1700000000", "type": "text", "text": {"body": "hi"}}]}}]}]}
            """#.utf8)
        let commit = try Self.commit(raw, channel: Self.channel(.init(webhookURLs: [Self.hook])))
        #expect(commit.identities == [CustomerIdentity(channelID: "alpha", username: "quiet.buyer", businessScopedUserID: "CO.1726691741709890")])
        #expect(commit.messages.first?.message.chatID == "CO.1726691741709890@lid")
    }

    @Test("a number no channel owns is unroutable: nothing is queued for it")
    func unroutable() throws {
        let commit = try Self.commit(
            Self.payload(phoneNumberID: "9999", message: true), channel: Self.channel(.init(webhookURLs: [Self.hook])))
        #expect(commit.unroutablePhoneNumberIDs == ["9999"])
        #expect(commit.messages.isEmpty && commit.statuses.isEmpty && commit.rawEvents.isEmpty)
    }

    @Test(
        "statuses carry their rank, so the store never pushes an ack backwards",
        arguments: [
            ("sent", 1), ("delivered", 2), ("read", 3), ("failed", 4),
        ])
    func ranks(status: String, rank: Int) throws {
        let commit = try Self.commit(Self.payload(status: status), channel: Self.channel(.init(webhookURLs: [Self.hook])))
        #expect(commit.statuses.first?.rank == rank)
        #expect(commit.statuses.first?.messageID == "wamid.OUT1")
    }

    @Test("a queued messages webhook built from its encoded item is byte for byte the whole webhook encoded")
    func messagesWebhookFromEncodedItem() throws {
        let channel = Self.channel(ChannelSettings(webhookURLs: [Self.hook]))
        let commit = try Self.commit(Self.payload(message: true), channel: channel)
        let stored = try #require(commit.messages.first)
        let item = try JSONDecoder().decode(MessageEvent.self, from: Data(try #require(stored.message.event)))
        let whole = try ClientEvents.encoder.encode(MessagesWebhook(instanceId: "alpha", messages: [item]))
        #expect(stored.events.first?.body == Array(whole))
        #expect(stored.events.first?.urls == [Self.hook])
    }
}
