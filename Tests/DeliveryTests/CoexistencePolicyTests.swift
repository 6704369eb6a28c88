import Cloud
import Delivery
import Foundation
import Store
import Testing

/// Call, group and Business App (coexistence) changes → what is committed: keyed events pushed as Meta sent them,
/// history kept without events, contacts and business-scoped ids for the store. Driven by `fixtures/webhooks/`.
@Suite("Inbound policy: calls, groups and coexistence")
struct CoexistencePolicyTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/webhooks")

    /// The Meta payload of a fixture, as bytes.
    static func payload(_ name: String) throws -> [UInt8] {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("\(name).json")))
        let payload = try #require((fixture as? [String: Any])?["payload"])
        return Array(try JSONSerialization.data(withJSONObject: payload))
    }

    /// The fixture's `store` expectations.
    static func store(_ name: String) throws -> [String: Any] {
        let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("\(name).json")))
        return try #require((fixture as? [String: Any])?["store"] as? [String: Any])
    }

    static func channel(_ settings: ChannelSettings = .init(webhookURLs: [InboundPolicyTests.hook])) -> ChannelRecord {
        InboundPolicyTests.channel(settings, phoneNumberID: "106540352242922")
    }

    static func body(_ event: QueuedEvent?) throws -> [String: Any] {
        let event = try #require(event)
        return try #require(try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any])
    }

    @Test(
        "call and group changes are pushed as {instanceId, type, …Meta's value} in the call's or group's line",
        arguments: [
            ("calls-connect", "calls", "16505551234@c.us", "calls"),
            ("calls-status", "calls", "16505551234@c.us", "statuses"),
            ("calls-terminate", "calls", "16505551234@c.us", "calls"),
            ("group-lifecycle-create", "groups", "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD@g.us", "groups"),
            ("group-participant-update-singular", "groups", "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD@g.us", "groups"),
            ("group-settings-update", "groups", "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD@g.us", "groups"),
        ])
    func passthrough(fixture: String, type: String, chat: String, member: String) throws {
        let commit = try InboundPolicyTests.commit(Self.payload(fixture), channel: Self.channel())
        #expect(commit.messages.isEmpty && commit.statuses.isEmpty, "no message, no ack")
        let keyed = try #require(commit.keyedEvents.first)
        #expect(commit.keyedEvents.count == 1)
        #expect(keyed.channelID == "alpha" && keyed.key.hasPrefix("\(type):\(member):"))
        #expect(keyed.events.first?.chatID == chat)
        let body = try Self.body(keyed.events.first)
        #expect(body["instanceId"] as? String == "alpha")
        #expect(body["type"] as? String == type)
        #expect((body[member] as? [Any])?.count == 1)
        #expect((body["metadata"] as? [String: Any])?["phone_number_id"] as? String == "106540352242922")
    }

    @Test("a second delivery of the same item has the same key; different items have different keys")
    func keys() throws {
        let first = try InboundPolicyTests.commit(Self.payload("group-participants-update"), channel: Self.channel())
        let again = try InboundPolicyTests.commit(Self.payload("group-participants-update"), channel: Self.channel())
        #expect(first.keyedEvents.map(\.key) == again.keyedEvents.map(\.key))
        #expect(Set(first.keyedEvents.map(\.key)).count == 2)
        #expect(first.keyedEvents.compactMap(\.events.first?.chatID).count == 2)
    }

    @Test("without a webhook URL the keys are kept but nothing is queued; guaranteedHooks off → one attempt")
    func settings() throws {
        let quiet = try InboundPolicyTests.commit(Self.payload("calls-connect"), channel: Self.channel(.init()))
        #expect(quiet.keyedEvents.count == 1 && quiet.keyedEvents[0].events.isEmpty)
        let once = try InboundPolicyTests.commit(
            Self.payload("calls-connect"), channel: Self.channel(.init(webhookURLs: [InboundPolicyTests.hook], guaranteedHooks: false)))
        #expect(once.keyedEvents.first?.events.first?.singleAttempt == true)
    }

    @Test("history messages are kept for GET /messages without an event, and may fill a media placeholder")
    func history() throws {
        let commit = try InboundPolicyTests.commit(Self.payload("history-threads"), channel: Self.channel())
        #expect(commit.messages.count == 4)
        #expect(commit.messages.allSatisfy { $0.events.isEmpty && $0.fillsPlaceholder })
        #expect(commit.messages.map(\.message.chatID) == ["16505551234@c.us", "16505551234@c.us", "16505551234@c.us", "12125557890@c.us"])
        #expect(commit.messages.map(\.message.fromMe) == [true, true, false, true])
        #expect(commit.messages.map(\.message.time.timeIntervalSince1970) == [1_739_230_955, 1_739_230_970, 1_739_230_971, 1_739_230_980])
        #expect(commit.keyedEvents.isEmpty && commit.rawEvents.isEmpty)
    }

    @Test("smb_app_state_sync becomes contact changes for the store")
    func businessContacts() throws {
        let commit = try InboundPolicyTests.commit(Self.payload("smb-app-state-sync"), channel: Self.channel())
        let expected = try #require(try Self.store("smb-app-state-sync")["businessContacts"] as? [[String: Any]])
        #expect(commit.businessContacts.count == expected.count)
        for (change, want) in zip(commit.businessContacts, expected) {
            #expect(change.contact.channelID == "alpha")
            #expect(change.contact.phone == want["phone"] as? String)
            #expect(change.contact.fullName == want["fullName"] as? String)
            #expect(change.contact.firstName == want["firstName"] as? String)
            #expect(change.removed == want["removed"] as? Bool)
            #expect(change.contact.changedAt.timeIntervalSince1970 == want["changedAt"] as? Double)
        }
        #expect(commit.messages.isEmpty && commit.keyedEvents.isEmpty)
    }

    @Test("user_id_update moves a business-scoped id; its contacts' usernames are remembered")
    func userIDUpdate() throws {
        let commit = try InboundPolicyTests.commit(Self.payload("user-id-update"), channel: Self.channel())
        let store = try Self.store("user-id-update")
        let changes = try #require(store["userIdChanges"] as? [[String: String]])
        #expect(commit.userIDChanges == changes.map { UserIDChange(channelID: "alpha", previous: $0["previous"]!, current: $0["current"]!) })
        let identities = try #require(store["identities"] as? [[String: String]])
        #expect(
            commit.identities
                == identities.map { CustomerIdentity(channelID: "alpha", username: $0["username"]!, businessScopedUserID: $0["bsuid"]!) })
        #expect(commit.messages.isEmpty && commit.keyedEvents.isEmpty)
    }

    @Test("the fields the bridge acts on; any other is ignored without failing the delivery")
    func ignoredFields() throws {
        #expect(
            ClientEvents.handledFields.isSuperset(of: ["messages", "smb_message_echoes", "history", "smb_app_state_sync", "user_id_update", "calls"]))
        #expect(ClientEvents.handledFields.isSuperset(of: ["group_lifecycle_update", "group_participants_update", "group_participant_update"]))
        #expect(!ClientEvents.handledFields.contains("account_update"))
        let commit = try InboundPolicyTests.commit(Self.payload("unknown-fields"), channel: Self.channel())
        #expect(commit.messages.isEmpty && commit.statuses.isEmpty && commit.keyedEvents.isEmpty && commit.businessContacts.isEmpty)
    }
}
