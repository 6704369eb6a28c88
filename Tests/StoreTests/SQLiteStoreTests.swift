import Foundation
import Store
import Testing

/// What only the SQLite store promises: a file that outlives the process, private in-memory databases,
/// and the `--database` values it is opened from.
@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("a file store keeps everything across reopening, and migrating it again changes nothing")
    func reopen() async throws {
        let path = StoreFactory.temporaryDatabasePath()
        let t0 = Fixtures.epoch
        do {
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            try await store.migrate()
            try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
            try await store.recordMessage(Fixtures.message("w1", time: t0), events: [Fixtures.event("1@c.us", "queued")])
            try await store.commitInbound(InboundCommit(payload: [7], receivedAt: t0))
            _ = try await store.installationSecret(named: "media-links")
        }
        let reopened = try SQLiteStore(path: path)
        let secret = try await reopened.installationSecret(named: "media-links")
        try await reopened.migrate()
        #expect(try await reopened.channels().map(\.id) == ["alpha"])
        #expect(try await reopened.messages(channelID: "alpha").map(\.id) == ["w1"])
        #expect(try await reopened.dueBodies(now: t0) == ["queued", "queued"])
        #expect(try await reopened.recentInboundPayloads(limit: 5) == [[7]])
        #expect(try await reopened.installationSecret(named: "media-links") == secret)

        let second = try SQLiteStore(path: path)
        #expect(try await second.installationSecret(named: "media-links") == secret, "a second handle on the file sees the same data")
    }

    @Test("each in-memory store is a database of its own")
    func inMemoryStoresAreSeparate() async throws {
        let first = try SQLiteStore.inMemory()
        let second = try SQLiteStore.inMemory()
        try await first.migrate()
        try await second.migrate()
        try await first.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        #expect(try await second.channels().isEmpty)
        #expect(try await first.channels().map(\.id) == ["alpha"])
    }

    @Test("a store that is not migrated fails with a store error, not a crash")
    func unmigrated() async throws {
        let store = try SQLiteStore.inMemory()
        await #expect(throws: StoreError.self) { try await store.channels() }
    }

    @Test("a file that cannot be opened is a store error")
    func unopenable() throws {
        let file = StoreFactory.temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: file, contents: nil)
        // A regular file where the folder should be.
        #expect(throws: StoreError.self) { try SQLiteStore(path: file + "/bridge.sqlite") }
    }

    @Test("--database URLs other than postgres:// are refused clearly; a postgres:// URL opens a PostgreSQL store")
    func locator() throws {
        #expect(throws: StoreError.self) { try StoreLocator.open("mysql://localhost/db") }
        #expect(throws: StoreError.self) { try StoreLocator.open("postgres://localhost/db") }
        #expect(try StoreLocator.open("postgres://user:pw@localhost:5432/db") is PostgresStore)
        #expect(try StoreLocator.open("postgresql://user@localhost/db") is PostgresStore)
    }

    @Test("an SQLite path opens an SQLite store")
    func locatorOpensSQLite() async throws {
        let store = try StoreLocator.open(StoreFactory.temporaryDatabasePath())
        #expect(store is SQLiteStore)
        try await store.migrate()
        try await store.ping()
    }
}

/// Channel tokens: created, hashed and compared without a store.
@Suite("Channel tokens")
struct ChannelTokenTests {
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
}
