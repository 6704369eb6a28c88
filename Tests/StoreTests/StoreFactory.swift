import Foundation
import Store
import Testing

/// What the contract tests need of a store beyond ``BridgeStore``: a look at what it committed that
/// the product never reads back.
protocol InspectableStore: BridgeStore {
    /// The most recent raw Meta webhook bodies, newest first.
    func recentInboundPayloads(limit: Int) async throws -> [[UInt8]]
}

extension SQLiteStore: InspectableStore {}

extension PostgresStore: InspectableStore {}

/// One kind of store the contract suite runs against. A new store joins the suite by adding its factory to ``all``.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    /// How the store shows in test names.
    let name: String
    /// Opens a new, empty store; ``makeStore()`` migrates it.
    let open: @Sendable () async throws -> any InspectableStore

    var testDescription: String { name }

    /// A new, empty, migrated store of this kind.
    func makeStore() async throws -> any InspectableStore {
        let store = try await open()
        try await store.migrate()
        return store
    }

    /// SQLite in a private in-memory database.
    static let sqliteInMemory = StoreFactory(name: "SQLite in memory") { try SQLiteStore.inMemory() }

    /// SQLite in a new file (a `DatabasePool` in WAL mode, as the bridge runs it).
    static let sqliteFile = StoreFactory(name: "SQLite file") { try SQLiteStore(path: temporaryDatabasePath()) }

    /// PostgreSQL on the server `BRIDGE_TEST_POSTGRES_URL` names, each store in a new database of its own, its pool
    /// running; `nil` when the variable is unset.
    static let postgres: StoreFactory? =
        PostgresTestServer.adminURL == nil ? nil : StoreFactory(name: "PostgreSQL") { try await PostgresTestServer.makeStore() }

    /// Every store the contract suite checks: the SQLite ones, and PostgreSQL when `BRIDGE_TEST_POSTGRES_URL` is set.
    static let all: [StoreFactory] = {
        guard let postgres else {
            print("BRIDGE_TEST_POSTGRES_URL is not set: the store contract suite runs without PostgreSQL")
            return [.sqliteInMemory, .sqliteFile]
        }
        return [.sqliteInMemory, .sqliteFile, postgres]
    }()

    /// A path in a new temporary folder.
    static func temporaryDatabasePath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("store-tests-\(UUID().uuidString)/bridge.sqlite").path
    }
}

/// Builders of the records the contract tests store.
enum Fixtures {
    /// A fixed moment, in whole seconds so that stored dates compare equal.
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    /// The lease owner of the tests' claims.
    static let owner = "test-owner"

    static func channel(_ id: String, phoneNumberID: String, token: String) -> ChannelRecord {
        ChannelRecord(
            id: id, tokenHash: ChannelToken.hash(token), phoneNumberID: phoneNumberID, wabaID: "waba-\(id)",
            accessToken: "EAAG-\(id)", appSecret: "secret-\(id)", verifyToken: "verify-\(id)",
            settings: ChannelSettings(webhookURLs: ["http://127.0.0.1:9/hook"]))
    }

    static func message(
        _ id: String, channel: String = "alpha", chat: String = "1@c.us", fromMe: Bool = false, time: Date = Date()
    ) -> StoredMessage {
        StoredMessage(channelID: channel, id: id, chatID: chat, fromMe: fromMe, type: "chat", body: "b", quotedMsgID: nil, time: time)
    }

    static func event(
        _ chat: String, _ text: String, urls: [String] = ["http://a/hook", "http://b/hook"], channel: String = "alpha"
    ) -> QueuedEvent {
        QueuedEvent(channelID: channel, urls: urls, chatID: chat, body: Array(text.utf8))
    }
}

extension BridgeStore {
    /// Records a message without queuing events.
    @discardableResult
    func recordMessage(_ message: StoredMessage) async throws -> Int64 {
        try await recordMessage(message, events: [])
    }

    /// Every message of a channel, oldest first, through `history`.
    func allMessages(channelID: String) async throws -> [StoredMessage] {
        var query = HistoryQuery()
        query.limit = nil
        return try await history(channelID: channelID, query: query).map(\.message)
    }

    /// Claims for ``Fixtures/owner`` with leases that end at once, so a later claim sees the same entries again:
    /// what a dispatcher would get, without holding it.
    func claimDue(now: Date, limit: Int = 100) async throws -> [OutboxEntry] {
        try await claimOutboxEntries(now: now, limit: limit, leaseFor: .zero, owner: Fixtures.owner)
    }

    /// The bodies of the due entries, as text, in the order the store gives them (claimed as ``claimDue(now:limit:)``).
    func dueBodies(now: Date, limit: Int = 100) async throws -> [String] {
        try await claimDue(now: now, limit: limit).map { String(decoding: $0.body, as: UTF8.self) }
    }
}
