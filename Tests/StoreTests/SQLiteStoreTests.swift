import Foundation
import Store
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    static func makeStore() async throws -> SQLiteStore {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("store-tests-\(UUID().uuidString)/bridge.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        try await store.migrate()  // idempotent
        return store
    }

    static func channel(_ id: String, phoneNumberID: String, token: String) -> ChannelRecord {
        ChannelRecord(
            id: id, tokenHash: ChannelToken.hash(token), phoneNumberID: phoneNumberID, wabaID: "waba-\(id)",
            accessToken: "EAAG-\(id)", appSecret: "secret-\(id)", verifyToken: "verify-\(id)",
            settings: ChannelSettings(webhookURLs: ["http://127.0.0.1:9/hook"]))
    }

    @Test("channels are found by id, token hash and phone number id; duplicates are refused")
    func channels() async throws {
        let store = try await Self.makeStore()
        let alpha = Self.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001")
        try await store.addChannel(alpha)
        try await store.addChannel(Self.channel("beta", phoneNumberID: "222", token: "token-beta-00001"))

        #expect(try await store.channel(id: "alpha")?.phoneNumberID == "111")
        #expect(try await store.channel(tokenHash: ChannelToken.hash("token-alpha-0001"))?.id == "alpha")
        #expect(try await store.channel(phoneNumberID: "222")?.id == "beta")
        #expect(try await store.channel(id: "alpha")?.settings == alpha.settings)
        #expect(try await store.channels().map(\.id) == ["alpha", "beta"])

        await #expect(throws: StoreError.channelExists(field: "id", value: "alpha")) {
            try await store.addChannel(Self.channel("alpha", phoneNumberID: "333", token: "x-token-000001"))
        }
        await #expect(throws: StoreError.channelExists(field: "phone number id", value: "111")) {
            try await store.addChannel(Self.channel("gamma", phoneNumberID: "111", token: "x-token-000002"))
        }
    }

    @Test("rotating a token replaces the hash; removing a channel forgets it")
    func rotateAndRemove() async throws {
        let store = try await Self.makeStore()
        try await store.addChannel(Self.channel("alpha", phoneNumberID: "111", token: "old-token-00001"))
        try await store.replaceTokenHash(channelID: "alpha", tokenHash: ChannelToken.hash("new-token-00001"))
        #expect(try await store.channel(tokenHash: ChannelToken.hash("old-token-00001")) == nil)
        #expect(try await store.channel(tokenHash: ChannelToken.hash("new-token-00001"))?.id == "alpha")
        await #expect(throws: StoreError.channelNotFound(id: "nope")) {
            try await store.replaceTokenHash(channelID: "nope", tokenHash: "x")
        }
        #expect(try await store.removeChannel(id: "alpha"))
        #expect(try await store.removeChannel(id: "alpha") == false)
        #expect(try await store.channel(id: "alpha") == nil)
    }

    @Test("messages are numbered per channel and a repeated wamid is kept once")
    func messageNumbers() async throws {
        let store = try await Self.makeStore()
        func message(_ channel: String, _ id: String) -> StoredMessage {
            StoredMessage(channelID: channel, id: id, chatID: "1@c.us", fromMe: true, type: "chat", body: "b", quotedMsgID: nil, time: Date())
        }
        #expect(try await store.recordMessage(message("a", "w1")) == 1)
        #expect(try await store.recordMessage(message("a", "w2")) == 2)
        #expect(try await store.recordMessage(message("b", "w3")) == 1)
        try await store.recordMessage(message("a", "w1"))
        #expect(try await store.messages(channelID: "a").map(\.id) == ["w1", "w2"])
    }

    @Test("tokens: random, hashed, compared in constant time")
    func tokens() {
        let token = ChannelToken.generate()
        #expect(token.count == 32)
        #expect(token != ChannelToken.generate())
        let hash = ChannelToken.hash(token)
        #expect(hash.count == 64 && !hash.contains(token))
        #expect(ChannelToken.matches(token, storedHash: hash))
        #expect(!ChannelToken.matches(token + "x", storedHash: hash))
        #expect(!ChannelToken.matches(token, storedHash: "short"))
    }

    @Test("--database values that are not SQLite paths are refused clearly")
    func locator() {
        #expect(throws: StoreError.self) { try StoreLocator.open("postgres://user:pw@localhost:5432/db") }
        #expect(throws: StoreError.self) { try StoreLocator.open("mysql://localhost/db") }
    }
}

@Suite("SQLite outbox")
struct SQLiteOutboxTests {
    static func event(_ chat: String, _ text: String, urls: [String] = ["http://a/hook", "http://b/hook"]) -> QueuedEvent {
        QueuedEvent(channelID: "alpha", urls: urls, chatID: chat, body: Array(text.utf8))
    }

    static func message(_ id: String) -> StoredMessage {
        StoredMessage(channelID: "alpha", id: id, chatID: "1@c.us", fromMe: false, type: "chat", body: "b", quotedMsgID: nil, time: Date())
    }

    @Test("an event queued for one attempt (guaranteedHooks off) gets the whole retry budget when replayed")
    func replayClearsSingleAttempt() async throws {
        let store = try await SQLiteStoreTests.makeStore()
        var event = Self.event("1@c.us", "once", urls: ["http://a/hook"])
        event.singleAttempt = true
        try await store.recordMessage(Self.message("w9"), events: [event])
        let entry = try #require(try await store.dueOutboxEntries(now: Date().addingTimeInterval(60), limit: 10).first)
        #expect(entry.singleAttempt)
        try await store.deadLetter(outboxID: entry.id, attempts: 1, error: "HTTP 500")
        #expect(try await store.replayDeadLetters(ids: nil, now: Date()) == 1)
        let replayed = try #require(try await store.dueOutboxEntries(now: Date().addingTimeInterval(60), limit: 10).first)
        #expect(!replayed.singleAttempt)
    }

    @Test("one row per URL; only the first pending entry of each (channel, URL, chat) is due")
    func perChatOrder() async throws {
        let store = try await SQLiteStoreTests.makeStore()
        // Entries are due from when they were queued; a minute of margin keeps a loaded machine from racing it.
        let now = Date()
        try await store.recordMessage(Self.message("w1"), events: [Self.event("1@c.us", "first")])
        try await store.recordMessage(Self.message("w2"), events: [Self.event("1@c.us", "second")])
        try await store.recordMessage(Self.message("w3"), events: [Self.event("2@c.us", "other chat")])
        var due = try await store.dueOutboxEntries(now: now.addingTimeInterval(60), limit: 100)
        #expect(due.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "first", "other chat", "other chat"])

        // The first entry for URL a fails and waits: the second of that chat must wait behind it.
        let firstA = try #require(due.first { $0.url == "http://a/hook" })
        try await store.reschedule(outboxID: firstA.id, attempts: 1, at: now.addingTimeInterval(3600), error: "HTTP 500")
        due = try await store.dueOutboxEntries(now: now.addingTimeInterval(60), limit: 100)
        #expect(!due.contains { $0.url == "http://a/hook" && $0.chatID == "1@c.us" })
        #expect(due.contains { $0.url == "http://b/hook" && String(decoding: $0.body, as: UTF8.self) == "first" })

        // Delivered entries leave the line; a dead letter lets the next one through.
        try await store.deadLetter(outboxID: firstA.id, attempts: 2, error: "HTTP 404: refused by the receiver")
        due = try await store.dueOutboxEntries(now: now.addingTimeInterval(60), limit: 100)
        #expect(due.contains { $0.url == "http://a/hook" && String(decoding: $0.body, as: UTF8.self) == "second" })
        #expect(try await store.deadLetters(limit: 10).map(\.id) == [firstA.id])
        #expect(try await store.outboxStats(now: now).dead == 1)

        #expect(try await store.replayDeadLetters(ids: [firstA.id], now: now) == 1)
        #expect(try await store.deadLetters(limit: 10).isEmpty)
        try await store.markDelivered(outboxIDs: try await store.dueOutboxEntries(now: now.addingTimeInterval(60), limit: 100).map(\.id))
        #expect(try await store.outboxStats(now: now).pending == 2, "the second events of chat 1 wait behind the replayed first")
    }

    @Test("an inbound commit drops duplicate messages and statuses, and never pushes an ack backwards")
    func inboundCommit() async throws {
        let store = try await SQLiteStoreTests.makeStore()
        func status(_ id: String, _ status: String, _ rank: Int) -> StatusCommit {
            StatusCommit(channelID: "alpha", messageID: id, status: status, rank: rank, raw: Array(status.utf8), event: Self.event("1@c.us", "ack \(status)", urls: ["http://a/hook"]))
        }
        let first = try await store.commitInbound(InboundCommit(
            payload: [1], receivedAt: Date(),
            messages: [InboundMessageCommit(message: Self.message("in1"), event: Self.event("1@c.us", "msg", urls: ["http://a/hook"]))],
            statuses: [status("out1", "sent", 1), status("out1", "read", 3)]))
        #expect(first.newMessages == 1 && first.newStatuses == 2 && first.queuedDeliveries == 3)

        let again = try await store.commitInbound(InboundCommit(
            payload: [1], receivedAt: Date(),
            messages: [InboundMessageCommit(message: Self.message("in1"), event: Self.event("1@c.us", "msg", urls: ["http://a/hook"]))],
            statuses: [status("out1", "read", 3), status("out1", "delivered", 2)]))
        #expect(again.duplicateMessages == 1 && again.duplicateStatuses == 1)
        #expect(again.newStatuses == 1, "the late delivered is kept for /hookInfo")
        #expect(again.queuedDeliveries == 0, "but not pushed after read")
        #expect(try await store.statuses(channelID: "alpha", messageID: "out1").map { String(decoding: $0, as: UTF8.self) }
            == ["sent", "read", "delivered"])
        #expect(try await store.recentInboundPayloads(limit: 5).count == 2)
    }
}
