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
