import Foundation
import GRDB

/// The embedded store: one SQLite file through GRDB, in WAL mode with `synchronous=NORMAL`
/// (a commit survives a process crash; a power loss may lose the last transactions).
public final class SQLiteStore: BridgeStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database file at `path`, and its parent folder.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: url.path, configuration: configuration)
        } catch {
            throw StoreError.database("cannot open SQLite database at \(path): \(Self.reason(error))")
        }
    }

    public func migrate() async throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-channels-messages") { db in
            try db.execute(sql: """
                CREATE TABLE channels (
                    id TEXT PRIMARY KEY NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    phone_number_id TEXT NOT NULL UNIQUE,
                    waba_id TEXT NOT NULL,
                    access_token TEXT NOT NULL,
                    app_secret TEXT NOT NULL,
                    verify_token TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    created_at DOUBLE NOT NULL
                );
                CREATE TABLE messages (
                    channel_id TEXT NOT NULL,
                    message_number INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    chat_id TEXT NOT NULL,
                    from_me INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    body TEXT NOT NULL,
                    quoted_msg_id TEXT,
                    time DOUBLE NOT NULL,
                    PRIMARY KEY (channel_id, message_number),
                    UNIQUE (channel_id, id)
                );
                CREATE TABLE inbound_payloads (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    received_at DOUBLE NOT NULL,
                    body BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-inbound-outbox") { db in
            try db.execute(sql: """
                ALTER TABLE inbound_payloads ADD COLUMN unroutable TEXT;
                CREATE TABLE message_statuses (
                    channel_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    rank INTEGER NOT NULL,
                    raw BLOB NOT NULL,
                    received_at DOUBLE NOT NULL,
                    PRIMARY KEY (channel_id, message_id, status)
                );
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel_id TEXT NOT NULL,
                    url TEXT NOT NULL,
                    chat_id TEXT NOT NULL,
                    body BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    queued_at DOUBLE NOT NULL,
                    next_attempt_at DOUBLE NOT NULL,
                    last_error TEXT,
                    state TEXT NOT NULL
                );
                CREATE INDEX outbox_line ON outbox (state, channel_id, url, chat_id, id);
                CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
                CREATE TABLE installation_secrets (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v3-history-events") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN event BLOB;
                CREATE INDEX messages_chat ON messages (channel_id, chat_id, message_number);
                """)
        }
        migrator.registerMigration("v4-single-attempt-statistics") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN single_attempt INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX message_statuses_received ON message_statuses (channel_id, received_at);
                """)
        }
        try await run { [pool] in try migrator.migrate(pool) }
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func addChannel(_ channel: ChannelRecord) async throws {
        let settings = try Self.encode(channel.settings)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channels WHERE id = ?", arguments: [channel.id]) == true {
                throw StoreError.channelExists(field: "id", value: channel.id)
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channels WHERE phone_number_id = ?", arguments: [channel.phoneNumberID]) == true {
                throw StoreError.channelExists(field: "phone number id", value: channel.phoneNumberID)
            }
            try db.execute(
                sql: """
                    INSERT INTO channels (id, token_hash, phone_number_id, waba_id, access_token, app_secret,
                                          verify_token, settings, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    channel.id, channel.tokenHash, channel.phoneNumberID, channel.wabaID, channel.accessToken,
                    channel.appSecret, channel.verifyToken, settings, channel.createdAt.timeIntervalSince1970,
                ])
        }
    }

    public func channel(id: String) async throws -> ChannelRecord? {
        try await fetchChannels(where: "id = ?", id).first
    }

    public func channel(tokenHash: String) async throws -> ChannelRecord? {
        try await fetchChannels(where: "token_hash = ?", tokenHash).first
    }

    public func channel(phoneNumberID: String) async throws -> ChannelRecord? {
        try await fetchChannels(where: "phone_number_id = ?", phoneNumberID).first
    }

    public func channels() async throws -> [ChannelRecord] {
        try await fetchChannels(where: "1 = 1", nil)
    }

    public func removeChannel(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM channels WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func updateSettings(channelID: String, settings: ChannelSettings) async throws {
        let encoded = try Self.encode(settings)
        try await write { db in
            try db.execute(sql: "UPDATE channels SET settings = ? WHERE id = ?", arguments: [encoded, channelID])
            if db.changesCount == 0 { throw StoreError.channelNotFound(id: channelID) }
        }
    }

    public func updateCredentials(channelID: String, accessToken: String, appSecret: String, verifyToken: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE channels SET access_token = ?, app_secret = ?, verify_token = ? WHERE id = ?",
                arguments: [accessToken, appSecret, verifyToken, channelID])
            if db.changesCount == 0 { throw StoreError.channelNotFound(id: channelID) }
        }
    }

    public func installationSecret(named name: String) async throws -> String {
        let candidate = ChannelToken.generate() + ChannelToken.generate()
        return try await write { db in
            try db.execute(
                sql: "INSERT INTO installation_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [name, candidate])
            return try String.fetchOne(db, sql: "SELECT value FROM installation_secrets WHERE name = ?", arguments: [name]) ?? candidate
        }
    }

    public func replaceTokenHash(channelID: String, tokenHash: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE channels SET token_hash = ? WHERE id = ?", arguments: [tokenHash, channelID])
            if db.changesCount == 0 { throw StoreError.channelNotFound(id: channelID) }
        }
    }

    public func recordMessage(_ message: StoredMessage, events: [QueuedEvent]) async throws -> Int64 {
        try await write { db in
            let (number, inserted) = try Self.insert(message, db: db)
            if inserted {
                for event in events { try Self.enqueue(event, at: message.time, db: db) }
            }
            return number
        }
    }

    public func commitInbound(_ commit: InboundCommit) async throws -> InboundCommitResult {
        try await write { db in
            var result = InboundCommitResult()
            try db.execute(
                sql: "INSERT INTO inbound_payloads (received_at, body, unroutable) VALUES (?, ?, ?)",
                arguments: [
                    commit.receivedAt.timeIntervalSince1970, Data(commit.payload),
                    commit.unroutablePhoneNumberIDs.isEmpty ? nil : commit.unroutablePhoneNumberIDs.joined(separator: ","),
                ])
            for item in commit.messages {
                let (_, inserted) = try Self.insert(item.message, db: db)
                guard inserted else {
                    result.duplicateMessages += 1
                    continue
                }
                result.newMessages += 1
                if let event = item.event {
                    result.queuedDeliveries += try Self.enqueue(event, at: commit.receivedAt, db: db)
                }
            }
            for status in commit.statuses {
                let highest = try Int.fetchOne(
                    db, sql: "SELECT MAX(rank) FROM message_statuses WHERE channel_id = ? AND message_id = ?",
                    arguments: [status.channelID, status.messageID]) ?? 0
                try db.execute(
                    sql: """
                        INSERT INTO message_statuses (channel_id, message_id, status, rank, raw, received_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        status.channelID, status.messageID, status.status, status.rank, Data(status.raw),
                        commit.receivedAt.timeIntervalSince1970,
                    ])
                guard db.changesCount > 0 else {
                    result.duplicateStatuses += 1
                    continue
                }
                result.newStatuses += 1
                // Acks never go backwards: a late "delivered" after "read" is kept for /hookInfo only.
                if status.rank > highest, let event = status.event {
                    result.queuedDeliveries += try Self.enqueue(event, at: commit.receivedAt, db: db)
                }
            }
            for event in commit.rawEvents {
                result.queuedDeliveries += try Self.enqueue(event, at: commit.receivedAt, db: db)
            }
            return result
        }
    }

    public func statuses(channelID: String, receivedFrom start: Date, to end: Date) async throws -> [[UInt8]] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT raw FROM message_statuses WHERE channel_id = ? AND received_at >= ? AND received_at < ?",
                arguments: [channelID, start.timeIntervalSince1970, end.timeIntervalSince1970]
            ).map(Array.init)
        }
    }

    public func statuses(channelID: String, messageID: String) async throws -> [[UInt8]] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT raw FROM message_statuses WHERE channel_id = ? AND message_id = ? ORDER BY received_at, rank",
                arguments: [channelID, messageID]
            ).map { Array($0) }
        }
    }

    public func dueOutboxEntries(now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM outbox o
                    WHERE o.state = 'pending' AND o.next_attempt_at <= ?
                      AND o.id = (SELECT MIN(p.id) FROM outbox p
                                  WHERE p.state = 'pending' AND p.channel_id = o.channel_id
                                    AND p.url = o.url AND p.chat_id = o.chat_id)
                    ORDER BY o.id LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.outboxEntry)
        }
    }

    public func nextOutboxDueDate() async throws -> Date? {
        try await read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func markDelivered(outboxIDs: [Int64]) async throws {
        guard !outboxIDs.isEmpty else { return }
        try await write { db in
            for id in outboxIDs {
                try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
            }
        }
    }

    public func reschedule(outboxID: Int64, attempts: Int, at: Date, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                arguments: [attempts, at.timeIntervalSince1970, error, outboxID])
        }
    }

    public func deadLetter(outboxID: Int64, attempts: Int, error: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'dead', attempts = ?, last_error = ? WHERE id = ?",
                arguments: [attempts, error, outboxID])
        }
    }

    public func deadLetters(limit: Int) async throws -> [OutboxEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'dead' ORDER BY id LIMIT ?", arguments: [limit])
                .map(Self.outboxEntry)
        }
    }

    public func replayDeadLetters(ids: [Int64]?, now: Date) async throws -> Int {
        try await write { db in
            // An operator's replay gets the whole retry budget, even for events queued with guaranteedHooks off.
            let set = "state = 'pending', attempts = 0, queued_at = ?, next_attempt_at = ?, last_error = NULL, single_attempt = 0"
            if let ids {
                var replayed = 0
                for id in ids {
                    try db.execute(
                        sql: "UPDATE outbox SET \(set) WHERE id = ? AND state = 'dead'",
                        arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id])
                    replayed += db.changesCount
                }
                return replayed
            }
            try db.execute(
                sql: "UPDATE outbox SET \(set) WHERE state = 'dead'",
                arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func outboxStats(now: Date) async throws -> OutboxStats {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT SUM(state = 'pending') AS pending, SUM(state = 'dead') AS dead,
                           MIN(CASE WHEN state = 'pending' THEN queued_at END) AS oldest
                    FROM outbox
                    """)
            let oldest: Double? = row?["oldest"]
            return OutboxStats(
                pending: row?["pending"] ?? 0, dead: row?["dead"] ?? 0,
                oldestPendingAge: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0)
        }
    }

    /// Inserts a history row; `false` when the wamid was already there.
    private static func insert(_ message: StoredMessage, db: Database) throws -> (Int64, Bool) {
        if let existing = try Int64.fetchOne(
            db, sql: "SELECT message_number FROM messages WHERE channel_id = ? AND id = ?",
            arguments: [message.channelID, message.id])
        {
            return (existing, false)
        }
        let next = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(MAX(message_number), 0) + 1 FROM messages WHERE channel_id = ?",
            arguments: [message.channelID]) ?? 1
        let event: Data? = message.event.map { Data($0) }
        let time: Double = message.time.timeIntervalSince1970
        try db.execute(
            sql: """
                INSERT INTO messages (channel_id, message_number, id, chat_id, from_me, type, body, quoted_msg_id, time, event)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                message.channelID, next, message.id, message.chatID, message.fromMe, message.type, message.body,
                message.quotedMsgID, time, event,
            ])
        return (next, true)
    }

    /// Queues one outbox row per URL; returns how many.
    @discardableResult
    private static func enqueue(_ event: QueuedEvent, at date: Date, db: Database) throws -> Int {
        for url in event.urls {
            try db.execute(
                sql: """
                    INSERT INTO outbox (channel_id, url, chat_id, body, attempts, queued_at, next_attempt_at, state, single_attempt)
                    VALUES (?, ?, ?, ?, 0, ?, ?, 'pending', ?)
                    """,
                arguments: [
                    event.channelID, url, event.chatID, Data(event.body), date.timeIntervalSince1970,
                    date.timeIntervalSince1970, event.singleAttempt,
                ])
        }
        return event.urls.count
    }

    private static func outboxEntry(_ row: Row) -> OutboxEntry {
        OutboxEntry(
            id: row["id"], channelID: row["channel_id"], url: row["url"], chatID: row["chat_id"],
            body: Array(row["body"] as Data), attempts: row["attempts"],
            queuedAt: Date(timeIntervalSince1970: row["queued_at"]),
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"],
            state: OutboxEntry.State(rawValue: row["state"]) ?? .pending, singleAttempt: row["single_attempt"])
    }

    public func messages(channelID: String) async throws -> [StoredMessage] {
        var query = HistoryQuery()
        query.limit = nil
        return try await history(channelID: channelID, query: query).map(\.message)
    }

    public func history(channelID: String, query: HistoryQuery) async throws -> [HistoryEntry] {
        var conditions = ["channel_id = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [channelID]
        if let after = query.afterMessageNumber { conditions.append("message_number > ?"); arguments.append(after) }
        if let from = query.fromMessageNumber { conditions.append("message_number >= ?"); arguments.append(from) }
        if let chat = query.chatID { conditions.append("chat_id = ?"); arguments.append(chat) }
        if let min = query.minTime { conditions.append("time >= ?"); arguments.append(min.timeIntervalSince1970) }
        if let max = query.maxTime { conditions.append("time <= ?"); arguments.append(max.timeIntervalSince1970) }
        if let id = query.messageID { conditions.append("id = ?"); arguments.append(id) }
        let order = query.last ? "DESC" : "ASC"
        let limit = query.limit.map { " LIMIT \(max($0, 0))" } ?? ""
        let sql = "SELECT * FROM messages WHERE \(conditions.joined(separator: " AND ")) ORDER BY message_number \(order)\(limit)"
        let statementArguments = StatementArguments(arguments)
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.historyEntry)
        }
    }

    private static func historyEntry(_ row: Row) -> HistoryEntry {
        let number: Int64 = row["message_number"]
        let time: Double = row["time"]
        let event: Data? = row["event"]
        let message = StoredMessage(
            channelID: row["channel_id"] as String, id: row["id"] as String, chatID: row["chat_id"] as String,
            fromMe: row["from_me"] as Bool, type: row["type"] as String, body: row["body"] as String,
            quotedMsgID: row["quoted_msg_id"] as String?, time: Date(timeIntervalSince1970: time),
            event: event.map { Array($0) })
        return HistoryEntry(messageNumber: number, message: message)
    }

    public func recentInboundPayloads(limit: Int) async throws -> [[UInt8]] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM inbound_payloads ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { Array($0) }
        }
    }

    // MARK: - Helpers

    private func fetchChannels(where condition: String, _ argument: String?) async throws -> [ChannelRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM channels WHERE \(condition) ORDER BY id",
                arguments: StatementArguments(argument.map { [$0] } ?? [])
            ).map { row in
                ChannelRecord(
                    id: row["id"], tokenHash: row["token_hash"], phoneNumberID: row["phone_number_id"],
                    wabaID: row["waba_id"], accessToken: row["access_token"], appSecret: row["app_secret"],
                    verifyToken: row["verify_token"], settings: try Self.decodeSettings(row["settings"]),
                    createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
        }
    }

    private static func encode(_ settings: ChannelSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }

    private static func decodeSettings(_ text: String) throws -> ChannelSettings {
        do {
            return try JSONDecoder().decode(ChannelSettings.self, from: Data(text.utf8))
        } catch {
            throw StoreError.database("unreadable channel settings")
        }
    }

    private func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await run { [pool] in try await pool.read(body) }
    }

    private func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await run { [pool] in try await pool.write(body) }
    }

    /// Runs a database operation and turns GRDB's errors into ``StoreError``; GRDB's own descriptions
    /// can quote the SQL arguments, which may be secrets, so only the SQLite message is kept.
    private func run<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode)"
        }
        return String(describing: type(of: error))
    }
}

/// Opens the store a `--database` value names: a file path (SQLite) or a `postgres://` URL.
public enum StoreLocator {
    public static func open(_ database: String) throws -> any BridgeStore {
        let lowered = database.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            throw StoreError.unsupportedDatabase(
                "the PostgreSQL store is not part of this build yet; use an SQLite file path for --database")
        }
        if lowered.contains("://") {
            throw StoreError.unsupportedDatabase(
                "--database takes an SQLite file path or a postgres:// URL, not \(database.split(separator: ":").first ?? "")")
        }
        return try SQLiteStore(path: database)
    }
}
