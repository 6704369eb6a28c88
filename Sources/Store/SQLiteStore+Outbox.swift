import Foundation
import GRDB

/// Stored as its raw value (`pending`, `delivered`, `dead`), so requests compare states with bound values.
extension OutboxEntry.State: DatabaseValueConvertible {}

/// A row of the `outbox` table: one queued delivery of one event to one URL.
///
/// The indexes serve the dispatcher: `outbox_line (state, channel_id, url, chat_id, id)` finds the
/// first pending entry of each line, `outbox_due (state, next_attempt_at)` the next due date.
struct OutboxRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox"

    enum Columns: String, ColumnExpression {
        case id
        case channelID = "channel_id"
        case url
        case chatID = "chat_id"
        case body
        case attempts
        case queuedAt = "queued_at"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case state
        case singleAttempt = "single_attempt"
    }

    /// `nil` until inserted: SQLite numbers the row (AUTOINCREMENT), and the number is the queue order.
    var id: Int64?
    var channelID: String
    var url: String
    var chatID: String
    var body: [UInt8]
    var attempts: Int
    var queuedAt: Date
    var nextAttemptAt: Date
    var lastError: String?
    var state: OutboxEntry.State
    var singleAttempt: Bool

    /// A new pending row for `url`, due at once.
    init(_ event: QueuedEvent, url: String, queuedAt: Date) {
        id = nil
        channelID = event.channelID
        self.url = url
        chatID = event.chatID
        body = event.body
        attempts = 0
        self.queuedAt = queuedAt
        nextAttemptAt = queuedAt
        lastError = nil
        state = .pending
        singleAttempt = event.singleAttempt
    }

    init(row: Row) {
        id = row[Columns.id]
        channelID = row[Columns.channelID]
        url = row[Columns.url]
        chatID = row[Columns.chatID]
        body = Array(row[Columns.body] as Data)
        attempts = row[Columns.attempts]
        queuedAt = Date(timeIntervalSince1970: row[Columns.queuedAt])
        nextAttemptAt = Date(timeIntervalSince1970: row[Columns.nextAttemptAt])
        lastError = row[Columns.lastError]
        // A state this build does not know (written by a newer one) is read as pending, as it always was.
        state = OutboxEntry.State.fromDatabaseValue(row[Columns.state]) ?? .pending
        singleAttempt = row[Columns.singleAttempt]
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.channelID] = channelID
        container[Columns.url] = url
        container[Columns.chatID] = chatID
        container[Columns.body] = Data(body)
        container[Columns.attempts] = attempts
        container[Columns.queuedAt] = queuedAt.timeIntervalSince1970
        container[Columns.nextAttemptAt] = nextAttemptAt.timeIntervalSince1970
        container[Columns.lastError] = lastError
        container[Columns.state] = state
        container[Columns.singleAttempt] = singleAttempt
    }

    /// The entry as the dispatcher sees it; only rows read from the database have an id.
    var entry: OutboxEntry {
        OutboxEntry(
            id: id ?? 0, channelID: channelID, url: url, chatID: chatID, body: body, attempts: attempts,
            queuedAt: queuedAt, nextAttemptAt: nextAttemptAt, lastError: lastError, state: state,
            singleAttempt: singleAttempt)
    }

    /// Rows in `state`.
    static func all(in state: OutboxEntry.State) -> QueryInterfaceRequest<OutboxRow> {
        filter(Columns.state == state)
    }

    /// Queues one pending row per URL of `event`, due at `date`; returns how many.
    @discardableResult
    static func enqueue(_ event: QueuedEvent, at date: Date, db: Database) throws -> Int {
        for url in event.urls {
            try OutboxRow(event, url: url, queuedAt: date).insert(db)
        }
        return event.urls.count
    }
}

extension SQLiteStore {
    /// Pending entries that are due and first in line for their (channel, URL, chat), oldest first.
    public func dueOutboxEntries(now: Date, limit: Int) async throws -> [OutboxEntry] {
        typealias Columns = OutboxRow.Columns
        // Events of one chat reach one URL in order: an entry waits while an older one of its line is pending.
        return try await read { db in
            // Built here: a TableAlias is not to be shared between threads. Both sides are named, or
            // GRDB would call both "outbox" and the subquery would not see the outer row.
            let entry = TableAlias(name: "entry")
            let line = TableAlias(name: "line")
            let firstOfLine = OutboxRow.aliased(line)
                .select(min(line[Columns.id]))
                .filter(line[Columns.state] == OutboxEntry.State.pending)
                .filter(line[Columns.channelID] == entry[Columns.channelID])
                .filter(line[Columns.url] == entry[Columns.url])
                .filter(line[Columns.chatID] == entry[Columns.chatID])
            let request = OutboxRow.aliased(entry)
                .filter(entry[Columns.state] == OutboxEntry.State.pending)
                .filter(entry[Columns.nextAttemptAt] <= now.timeIntervalSince1970)
                .filter(entry[Columns.id] == firstOfLine)
                .order(entry[Columns.id])
                .limit(limit)
            return try request.fetchAll(db).map(\.entry)
        }
    }

    /// The earliest time a pending entry becomes due, if any.
    public func nextOutboxDueDate() async throws -> Date? {
        let request = OutboxRow.all(in: .pending).select(min(OutboxRow.Columns.nextAttemptAt))
        return try await read { db in try Double.fetchOne(db, request).map { Date(timeIntervalSince1970: $0) } }
    }

    /// Removes delivered entries, all in one transaction.
    public func markDelivered(outboxIDs: [Int64]) async throws {
        guard !outboxIDs.isEmpty else { return }
        // One statement; the dispatcher's batches are far below SQLite's limit of bound values.
        try await write { db in _ = try OutboxRow.deleteAll(db, keys: outboxIDs) }
    }

    /// Records a failed attempt of a pending entry and when to try it again.
    public func reschedule(outboxID: Int64, attempts: Int, at: Date, error: String) async throws {
        typealias Columns = OutboxRow.Columns
        try await write { db in
            _ = try OutboxRow.filter(key: outboxID).updateAll(
                db,
                Columns.attempts.set(to: attempts),
                Columns.nextAttemptAt.set(to: at.timeIntervalSince1970),
                Columns.lastError.set(to: error))
        }
    }

    /// Records a failed attempt that ends an entry's retries: it becomes a dead letter, out of line.
    public func deadLetter(outboxID: Int64, attempts: Int, error: String) async throws {
        typealias Columns = OutboxRow.Columns
        try await write { db in
            _ = try OutboxRow.filter(key: outboxID).updateAll(
                db,
                Columns.state.set(to: OutboxEntry.State.dead),
                Columns.attempts.set(to: attempts),
                Columns.lastError.set(to: error))
        }
    }

    /// Dead letters, oldest first.
    public func deadLetters(limit: Int) async throws -> [OutboxEntry] {
        let request = OutboxRow.all(in: .dead).order(OutboxRow.Columns.id).limit(limit)
        return try await read { db in try request.fetchAll(db).map(\.entry) }
    }

    /// Puts dead letters (all, or those with the given ids) back in line with a fresh retry budget; returns how many.
    public func replayDeadLetters(ids: [Int64]?, now: Date) async throws -> Int {
        typealias Columns = OutboxRow.Columns
        var request = OutboxRow.all(in: .dead)
        if let ids { request = request.filter(keys: ids) }
        let deadLetters = request
        return try await write { db in
            // An operator's replay gets the whole retry budget, even for events queued with guaranteedHooks off.
            try deadLetters.updateAll(
                db,
                Columns.state.set(to: OutboxEntry.State.pending),
                Columns.attempts.set(to: 0),
                Columns.queuedAt.set(to: now.timeIntervalSince1970),
                Columns.nextAttemptAt.set(to: now.timeIntervalSince1970),
                Columns.lastError.set(to: nil),
                Columns.singleAttempt.set(to: false))
        }
    }

    /// How many entries are pending and dead, and the age of the oldest pending one at `now`.
    public func outboxStats(now: Date) async throws -> OutboxStats {
        typealias Columns = OutboxRow.Columns
        let pending = OutboxEntry.State.pending
        let request: SQLRequest<Row> = """
            SELECT SUM(\(Columns.state) = \(pending)) AS pending,
                   SUM(\(Columns.state) = \(OutboxEntry.State.dead)) AS dead,
                   MIN(CASE WHEN \(Columns.state) = \(pending) THEN \(Columns.queuedAt) END) AS oldest
            FROM \(OutboxRow.self)
            """
        return try await read { db in
            let row = try request.fetchOne(db)
            let oldest: Double? = row?["oldest"]
            return OutboxStats(
                pending: row?["pending"] ?? 0, dead: row?["dead"] ?? 0,
                oldestPendingAge: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0)
        }
    }
}
