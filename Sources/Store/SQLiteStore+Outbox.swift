import Foundation
import GRDB

/// Stored as its raw value (`pending`, `delivered`, `dead`), so requests compare states with bound values.
extension OutboxEntry.State: DatabaseValueConvertible {}

/// A row of the `outbox` table: one queued delivery of one event to one URL.
///
/// The indexes serve the dispatcher: `outbox_line (state, channel_id, url, chat_id, id)` finds the
/// first pending entry of each line (and its leases), `outbox_due (state, next_attempt_at)` the next due date.
/// `lease_owner` and `lease_until` (v7) are written by claims only, so they are not fields of the row.
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
        case leaseOwner = "lease_owner"
        case leaseUntil = "lease_until"
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
    /// Claims due entries that are first in their line and whose line holds no unexpired lease, and leases them to
    /// `owner`, in one write transaction (SQLite has one writer, so no other claim runs in between).
    public func claimOutboxEntries(now: Date, limit: Int, leaseFor: Duration, owner: String) async throws -> [OutboxEntry] {
        typealias Columns = OutboxRow.Columns
        let time = now.timeIntervalSince1970
        let until = OutboxEntry.leaseEnd(now: now, duration: leaseFor)
        let pending = OutboxEntry.State.pending
        // Events of one chat reach one URL in order: an entry waits while an older one of its line is pending, and
        // while any entry of its line is leased (a replayed dead letter may come back in front of a leased entry).
        let candidates: SQLRequest<OutboxRow> = """
            SELECT entry.* FROM outbox AS entry
            WHERE entry.state = \(pending) AND entry.next_attempt_at <= \(time)
              AND entry.id = (
                SELECT MIN(line.id) FROM outbox AS line
                WHERE line.state = \(pending) AND line.channel_id = entry.channel_id AND line.url = entry.url
                  AND line.chat_id = entry.chat_id)
              AND NOT EXISTS (
                SELECT 1 FROM outbox AS held
                WHERE held.state = \(pending) AND held.channel_id = entry.channel_id AND held.url = entry.url
                  AND held.chat_id = entry.chat_id AND held.lease_until > \(time))
            ORDER BY entry.id LIMIT \(max(limit, 0))
            """
        return try await write { db in
            let rows = try candidates.fetchAll(db)
            _ = try OutboxRow.filter(keys: rows.compactMap(\.id)).updateAll(
                db, Columns.leaseOwner.set(to: owner), Columns.leaseUntil.set(to: until))
            return rows.map(\.entry)
        }
    }

    /// The earliest time a pending entry becomes due, if any.
    public func nextOutboxDueDate() async throws -> Date? {
        let request = OutboxRow.all(in: .pending).select(min(OutboxRow.Columns.nextAttemptAt))
        return try await read { db in try Double.fetchOne(db, request).map { Date(timeIntervalSince1970: $0) } }
    }

    /// Makes the pending entries for `url` that wait past `now` due at `now`.
    public func expediteDeliveries(to url: String, now: Date) async throws -> Int {
        let time = now.timeIntervalSince1970
        let request = OutboxRow.all(in: .pending).filter(OutboxRow.Columns.url == url && OutboxRow.Columns.nextAttemptAt > time)
        return try await write { db in try request.updateAll(db, OutboxRow.Columns.nextAttemptAt.set(to: time)) }
    }

    /// Removes delivered entries still leased to `owner`, all in one transaction; returns how many.
    public func markDelivered(outboxIDs: [Int64], owner: String) async throws -> Int {
        guard !outboxIDs.isEmpty else { return 0 }
        // One statement; the dispatcher's batches are far below SQLite's limit of bound values.
        let request = OutboxRow.filter(keys: outboxIDs).filter(OutboxRow.Columns.leaseOwner == owner)
        return try await write { db in try request.deleteAll(db) }
    }

    /// Records a failed attempt of a pending entry leased to `owner` and when to try it again; ends the lease.
    public func reschedule(outboxID: Int64, owner: String, attempts: Int, at: Date, error: String) async throws -> Bool {
        typealias Columns = OutboxRow.Columns
        let request = Self.held(outboxID, by: owner)
        return try await write { db in
            try request.updateAll(
                db,
                Columns.attempts.set(to: attempts),
                Columns.nextAttemptAt.set(to: at.timeIntervalSince1970),
                Columns.lastError.set(to: error),
                Columns.leaseOwner.set(to: nil),
                Columns.leaseUntil.set(to: nil)) > 0
        }
    }

    /// Records a failed attempt that ends the retries of an entry leased to `owner`: a dead letter, out of line.
    public func deadLetter(outboxID: Int64, owner: String, attempts: Int, error: String) async throws -> Bool {
        typealias Columns = OutboxRow.Columns
        let request = Self.held(outboxID, by: owner)
        return try await write { db in
            try request.updateAll(
                db,
                Columns.state.set(to: OutboxEntry.State.dead),
                Columns.attempts.set(to: attempts),
                Columns.lastError.set(to: error),
                Columns.leaseOwner.set(to: nil),
                Columns.leaseUntil.set(to: nil)) > 0
        }
    }

    /// The pending entry `id`, if it is leased to `owner`.
    private static func held(_ id: Int64, by owner: String) -> QueryInterfaceRequest<OutboxRow> {
        OutboxRow.filter(key: id).filter(OutboxRow.Columns.state == OutboxEntry.State.pending)
            .filter(OutboxRow.Columns.leaseOwner == owner)
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
                Columns.singleAttempt.set(to: false),
                Columns.leaseOwner.set(to: nil),
                Columns.leaseUntil.set(to: nil))
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
