import Foundation
import Store
import Testing

/// The store contract for call and group events, the Business App's contacts, changed business-scoped ids and
/// history placeholders, run against every store.
@Suite("Store contract: keyed events, contacts, user ids, placeholders")
struct InboundRecordsContractTests {
    static func keyed(_ key: String, channel: String = "alpha", text: String? = nil) -> KeyedEventCommit {
        KeyedEventCommit(
            channelID: channel, key: key,
            event: text.map { Fixtures.event(String(key.prefix(12)), $0, urls: ["http://a/hook"], channel: channel) })
    }

    @Test("a keyed event is queued the first time its key is seen on its channel, never again", arguments: StoreFactory.all)
    func keyedEvents(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        let longKey = "calls:calls:" + String(repeating: "v=0 sdp ", count: 2_000)
        let first = try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Fixtures.epoch, keyedEvents: [Self.keyed(longKey, text: "connect"), Self.keyed("g:1", text: "group")]))
        #expect(first.newKeyedEvents == 2 && first.duplicateKeyedEvents == 0 && first.queuedDeliveries == 2)

        let again = try await store.commitInbound(
            InboundCommit(
                payload: [2], receivedAt: Fixtures.epoch,
                keyedEvents: [Self.keyed(longKey, text: "connect again"), Self.keyed("g:1", channel: "beta", text: "other channel")]))
        #expect(again.duplicateKeyedEvents == 1 && again.newKeyedEvents == 1, "keys are per channel")
        #expect(again.queuedDeliveries == 1)
        #expect(try await store.dueBodies(now: Fixtures.epoch) == ["connect", "group", "other channel"])

        // A key seen without an event (no webhook URL then) is still a known key.
        try await store.commitInbound(InboundCommit(payload: [3], receivedAt: Fixtures.epoch, keyedEvents: [Self.keyed("quiet")]))
        let later = try await store.commitInbound(
            InboundCommit(payload: [4], receivedAt: Fixtures.epoch, keyedEvents: [Self.keyed("quiet", text: "late")]))
        #expect(later.duplicateKeyedEvents == 1 && later.queuedDeliveries == 0)
    }

    @Test("Business App contacts: added, edited, removed; an older change never overrides a newer one", arguments: StoreFactory.all)
    func businessContacts(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        func change(_ phone: String, _ name: String?, minute: Double, removed: Bool = false, channel: String = "alpha") -> BusinessContactChange {
            BusinessContactChange(
                contact: BusinessContact(
                    channelID: channel, phone: phone, fullName: name, firstName: name?.split(separator: " ").first.map(String.init),
                    changedAt: Fixtures.epoch.addingTimeInterval(minute * 60)),
                removed: removed)
        }
        func commit(_ changes: BusinessContactChange...) async throws {
            try await store.commitInbound(InboundCommit(payload: [1], receivedAt: Fixtures.epoch, businessContacts: changes))
        }
        try await commit(change("16505551234", "Pablo Morales", minute: 1), change("16505551235", "Ana Ruiz", minute: 1))
        #expect(
            try await store.businessContact(phone: "16505551234", channelID: "alpha") == change("16505551234", "Pablo Morales", minute: 1).contact)
        #expect(try await store.businessContact(phone: "16505551234", channelID: "beta") == nil, "contacts are per channel")

        try await commit(change("16505551234", "Pablo M. Morales", minute: 2))
        #expect(try await store.businessContact(phone: "16505551234", channelID: "alpha")?.fullName == "Pablo M. Morales")

        try await commit(change("16505551235", nil, minute: 3, removed: true))
        #expect(try await store.businessContact(phone: "16505551235", channelID: "alpha") == nil)
        try await commit(change("16505551235", "Ana Ruiz", minute: 2))
        #expect(try await store.businessContact(phone: "16505551235", channelID: "alpha") == nil, "a late older add stays removed")
        try await commit(change("16505551234", "Pablo Morales", minute: 1))
        #expect(try await store.businessContact(phone: "16505551234", channelID: "alpha")?.fullName == "Pablo M. Morales")
        try await commit(change("16505551235", "Ana Ruiz", minute: 4))
        #expect(try await store.businessContact(phone: "16505551235", channelID: "alpha")?.fullName == "Ana Ruiz", "a newer add brings it back")
    }

    @Test("a changed business-scoped id: usernames and GET /messages?chatId=<new>@lid follow it", arguments: StoreFactory.all)
    func userIDChanges(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        var old = Fixtures.message("wamid.OLD", time: Fixtures.epoch)
        old.chatID = "US.1001@lid"
        old.businessScopedUserID = "US.1001"
        var elsewhere = Fixtures.message("wamid.BETA", channel: "beta", time: Fixtures.epoch)
        elsewhere.businessScopedUserID = "US.1001"
        for message in [old, elsewhere] { try await store.recordMessage(message) }
        try await store.commitInbound(
            InboundCommit(
                payload: [1], receivedAt: Fixtures.epoch,
                identities: [
                    CustomerIdentity(channelID: "alpha", username: "ann.lee", businessScopedUserID: "US.1001"),
                    CustomerIdentity(channelID: "beta", username: "ann.lee", businessScopedUserID: "US.1001"),
                ],
                userIDChanges: [UserIDChange(channelID: "alpha", previous: "US.1001", current: "US.2002")]))
        #expect(try await store.businessScopedUserID(username: "ann.lee", channelID: "alpha") == "US.2002")
        #expect(try await store.businessScopedUserID(username: "ann.lee", channelID: "beta") == "US.1001", "other channels keep theirs")
        var query = HistoryQuery()
        query.chatID = "US.2002@lid"
        let found = try await store.history(channelID: "alpha", query: query)
        #expect(found.map(\.message.id) == ["wamid.OLD"])
        #expect(found.first?.message.chatID == "US.1001@lid", "the chat id stays what it was")
        query.chatID = "US.1001@lid"
        #expect(try await store.history(channelID: "beta", query: query).map(\.message.id) == ["wamid.BETA"])
    }

    @Test("a history media placeholder takes the content of a later message with its wamid, keeping its number", arguments: StoreFactory.all)
    func placeholders(factory: StoreFactory) async throws {
        let store = try await factory.makeStore()
        func stored(_ id: String, type: String, body: String) -> StoredMessage {
            StoredMessage(
                channelID: "alpha", id: id, chatID: "1@c.us", fromMe: true, type: type, body: body, quotedMsgID: nil, time: Fixtures.epoch,
                event: Array(#"{"type":"\#(type)"}"#.utf8))
        }
        func commit(_ message: StoredMessage, fills: Bool) async throws -> InboundCommitResult {
            try await store.commitInbound(
                InboundCommit(
                    payload: [1], receivedAt: Fixtures.epoch, messages: [InboundMessageCommit(message: message, event: nil, fillsPlaceholder: fills)])
            )
        }
        _ = try await commit(stored("wamid.P", type: "media_placeholder", body: "Media message"), fills: true)
        _ = try await commit(stored("wamid.T", type: "chat", body: "hello"), fills: true)
        _ = try await commit(stored("wamid.Q", type: "media_placeholder", body: "Media message"), fills: true)

        let filled = try await commit(stored("wamid.P", type: "image", body: "https://bridge/media/1"), fills: true)
        #expect(filled.duplicateMessages == 0 && filled.newMessages == 0 && filled.queuedDeliveries == 0)
        let notPlaceholder = try await commit(stored("wamid.T", type: "image", body: "https://bridge/media/2"), fills: true)
        #expect(notPlaceholder.duplicateMessages == 1)
        let notFilling = try await commit(stored("wamid.Q", type: "image", body: "https://bridge/media/3"), fills: false)
        #expect(notFilling.duplicateMessages == 1)

        let history = try await store.history(channelID: "alpha", query: HistoryQuery())
        #expect(history.map(\.messageNumber) == [1, 2, 3])
        #expect(history.map(\.message.type) == ["image", "chat", "media_placeholder"])
        #expect(history.map(\.message.body) == ["https://bridge/media/1", "hello", "Media message"])
        #expect(history.first?.message.event == Array(#"{"type":"image"}"#.utf8))
        #expect(history.first == HistoryEntry(messageNumber: 1, message: stored("wamid.P", type: "image", body: "https://bridge/media/1")))
    }
}
