import Foundation
import Store
import Testing

/// `store copy`: an SQLite store filled through ``BridgeStore`` reads back the same through the PostgreSQL store it was
/// copied into, numbering and ids continue after the copied rows, and a target with rows is refused. Runs when
/// `BRIDGE_TEST_POSTGRES_URL` is set.
@Suite("store copy", .enabled(if: PostgresTestServer.adminURL != nil))
struct StoreCopyTests {
    private static let far = Fixtures.epoch.addingTimeInterval(86_400)

    @Test("everything copied reads back equal through the PostgreSQL store, and numbering continues after it")
    func copiesEverything() async throws {
        let source = try SQLiteStore(path: StoreFactory.temporaryDatabasePath())
        try await source.migrate()
        try await Self.fill(source)
        let target = PostgresStore(configuration: try await PostgresTestServer.makeDatabase())

        // A batch of 2 rows: every table of more than two rows takes several batches.
        let summary = try await StoreCopy.copy(from: source, to: target, batchSize: 2)
        #expect(summary.rows(in: "channels") == 2 && summary.rows(in: "installation_secrets") == 1)
        #expect(summary.rows(in: "messages") == 7 && summary.rows(in: "message_counters") == 2)
        #expect(summary.rows(in: "message_statuses") == 2 && summary.rows(in: "customer_identities") == 1)
        #expect(summary.rows(in: "business_contacts") == 1 && summary.rows(in: "inbound_event_keys") == 1)
        #expect(summary.rows(in: "inbound_payloads") == 1 && summary.rows(in: "outbox") == 11)

        #expect(try await target.channels() == source.channels())
        let beta = try #require(try await source.channel(id: "beta"))
        #expect(try await target.channel(tokenHash: ChannelToken.hash("token-beta")) == beta)
        #expect(try await target.installationSecret(named: "media") == source.installationSecret(named: "media"))
        for channel in ["alpha", "beta"] {
            var all = HistoryQuery()
            all.limit = nil
            #expect(try await target.history(channelID: channel, query: all) == source.history(channelID: channel, query: all))
        }
        #expect(try await target.claimDue(now: Self.far) == source.claimDue(now: Self.far))
        #expect(try await target.deadLetters(limit: 100) == source.deadLetters(limit: 100))
        #expect(try await target.outboxStats(now: Self.far) == source.outboxStats(now: Self.far))
        #expect(try await target.nextOutboxDueDate() == source.nextOutboxDueDate())
        #expect(try await target.statuses(channelID: "alpha", messageID: "in-1") == source.statuses(channelID: "alpha", messageID: "in-1"))
        #expect(try await target.statuses(channelID: "alpha", receivedFrom: Fixtures.epoch, to: Self.far).count == 2)
        #expect(try await target.businessScopedUserID(username: "ann", channelID: "alpha") == "bsuid-ann")
        #expect(
            try await target.businessContact(phone: "15550001", channelID: "alpha") == source.businessContact(phone: "15550001", channelID: "alpha"))
        #expect(try await target.recentInboundPayloads(limit: 10) == source.recentInboundPayloads(limit: 10))

        // The copied keyed event is known; the next message numbers and outbox ids follow the copied ones.
        let again = InboundCommit(
            payload: [9], receivedAt: Fixtures.epoch, keyedEvents: [KeyedEventCommit(channelID: "alpha", key: "k-1", event: nil)])
        #expect(try await target.commitInbound(again).duplicateKeyedEvents == 1)
        #expect(try await target.recordMessage(Fixtures.message("next-a", time: Fixtures.epoch)) == 6)
        #expect(try await target.recordMessage(Fixtures.message("next-b", channel: "beta", time: Fixtures.epoch)) == 3)
        let lastID = try await source.claimDue(now: Self.far).map(\.id).max() ?? 0
        try await target.recordMessage(
            Fixtures.message("next-c", chat: "9@c.us", time: Fixtures.epoch), events: [Fixtures.event("9@c.us", "new", urls: ["http://n/hook"])])
        let fresh = try await target.claimDue(now: Self.far).filter { $0.chatID == "9@c.us" }
        #expect(fresh.count == 1 && fresh[0].id > lastID)
    }

    @Test("a second copy into the now non-empty target is refused and writes nothing")
    func refusesNonEmptyTarget() async throws {
        let source = try SQLiteStore(path: StoreFactory.temporaryDatabasePath())
        try await source.migrate()
        try await Self.fill(source)
        let target = PostgresStore(configuration: try await PostgresTestServer.makeDatabase())
        _ = try await StoreCopy.copy(from: source, to: target)
        let before = try await target.outboxStats(now: Self.far)

        await #expect(throws: StoreError.copyTargetNotEmpty(tables: Self.allTables)) {
            try await StoreCopy.copy(from: source, to: target)
        }
        #expect(try await target.outboxStats(now: Self.far) == before)
        #expect(try await target.channels().count == 2)

        // One channel alone is enough to refuse; nothing else is written.
        let other = PostgresStore(configuration: try await PostgresTestServer.makeDatabase())
        try await other.migrate()
        try await other.addChannel(Fixtures.channel("gamma", phoneNumberID: "303", token: "token-gamma"))
        await #expect(throws: StoreError.copyTargetNotEmpty(tables: ["channels"])) {
            try await StoreCopy.copy(from: source, to: other)
        }
        #expect(try await other.channels().map(\.id) == ["gamma"])
        #expect(try await other.allMessages(channelID: "alpha").isEmpty)
    }

    private static let allTables = [
        "channels", "installation_secrets", "messages", "message_statuses", "customer_identities", "business_contacts",
        "inbound_event_keys", "inbound_payloads", "outbox", "message_counters",
    ]

    /// Two channels, a secret, history with events, an inbound commit with statuses, identities, a keyed event and a
    /// contact, pending entries (one rescheduled) and two dead letters.
    private static func fill(_ store: SQLiteStore) async throws {
        var alpha = Fixtures.channel("alpha", phoneNumberID: "101", token: "token-alpha")
        alpha.settings.metaAppID = "12345"
        alpha.createdAt = Fixtures.epoch
        var beta = Fixtures.channel("beta", phoneNumberID: "202", token: "token-beta")
        beta.createdAt = Fixtures.epoch
        try await store.addChannel(alpha)
        try await store.addChannel(beta)
        try await store.updateCredentials(channelID: "beta", accessToken: "EAAG-new", appSecret: "s2", verifyToken: "v2")
        _ = try await store.installationSecret(named: "media")

        for index in 1...3 {
            let time = Fixtures.epoch.addingTimeInterval(Double(index))
            try await store.recordMessage(
                Fixtures.message("out-\(index)", chat: "1@c.us", fromMe: true, time: time),
                events: [Fixtures.event("1@c.us", "e\(index)")])
        }
        try await store.recordMessage(Fixtures.message("b-1", channel: "beta", chat: "2@c.us", time: Fixtures.epoch))
        try await store.recordMessage(
            Fixtures.message("b-2", channel: "beta", chat: "2@c.us", time: Fixtures.epoch),
            events: [Fixtures.event("2@c.us", "b2", channel: "beta")])

        var quoted = Fixtures.message("in-1", chat: "3@c.us", time: Fixtures.epoch)
        quoted.quotedMsgID = "out-1"
        quoted.event = [1, 2, 3]
        quoted.businessScopedUserID = "bsuid-ann"
        let contact = BusinessContact(channelID: "alpha", phone: "15550001", fullName: "Ann Lee", firstName: nil, changedAt: Fixtures.epoch)
        try await store.commitInbound(
            InboundCommit(
                payload: Array(#"{"object":"whatsapp_business_account"}"#.utf8), receivedAt: Fixtures.epoch,
                messages: [
                    InboundMessageCommit(message: quoted, event: Fixtures.event("3@c.us", "in")),
                    InboundMessageCommit(message: Fixtures.message("in-2", chat: "3@c.us", time: Fixtures.epoch), event: nil),
                ],
                statuses: [
                    StatusCommit(channelID: "alpha", messageID: "in-1", status: "sent", rank: 1, raw: [7], event: nil),
                    StatusCommit(channelID: "alpha", messageID: "in-1", status: "read", rank: 3, raw: [8], event: nil),
                ],
                identities: [CustomerIdentity(channelID: "alpha", username: "ann", businessScopedUserID: "bsuid-ann")],
                keyedEvents: [KeyedEventCommit(channelID: "alpha", key: "k-1", event: Fixtures.event("4@c.us", "k", urls: ["http://k/hook"]))],
                businessContacts: [BusinessContactChange(contact: contact, removed: false)]))

        // 11 entries: 3×2 + 2 + 2 + 1; the first of one line rescheduled, two others dead.
        let due = try await store.claimDue(now: far)
        #expect(
            try await store.reschedule(
                outboxID: due[0].id, owner: Fixtures.owner, attempts: 2, at: Fixtures.epoch.addingTimeInterval(600), error: "HTTP 503"))
        #expect(try await store.deadLetter(outboxID: due[1].id, owner: Fixtures.owner, attempts: 9, error: "HTTP 410"))
        let chatB = try #require(due.first { $0.chatID == "2@c.us" })
        #expect(try await store.deadLetter(outboxID: chatB.id, owner: Fixtures.owner, attempts: 1, error: "gone"))
    }
}
