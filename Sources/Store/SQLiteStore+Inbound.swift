import Foundation
import GRDB

/// A row of the `inbound_payloads` table: one raw Meta webhook body, as received.
struct InboundPayloadRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbound_payloads"

    enum Columns: String, ColumnExpression {
        case id
        case receivedAt = "received_at"
        case body
        /// The payload's phone number ids that belong to no channel, comma-separated; `NULL` when none.
        case unroutable
    }

    var receivedAt: Date
    var body: [UInt8]
    var unroutablePhoneNumberIDs: [String]

    init(receivedAt: Date, body: [UInt8], unroutablePhoneNumberIDs: [String]) {
        self.receivedAt = receivedAt
        self.body = body
        self.unroutablePhoneNumberIDs = unroutablePhoneNumberIDs
    }

    init(row: Row) {
        receivedAt = Date(timeIntervalSince1970: row[Columns.receivedAt])
        body = Array(row[Columns.body] as Data)
        unroutablePhoneNumberIDs = (row[Columns.unroutable] as String?)?.split(separator: ",").map(String.init) ?? []
    }

    // The id is left out: SQLite numbers the row (AUTOINCREMENT).
    func encode(to container: inout PersistenceContainer) {
        container[Columns.receivedAt] = receivedAt.timeIntervalSince1970
        container[Columns.body] = Data(body)
        container[Columns.unroutable] = unroutablePhoneNumberIDs.isEmpty ? nil : unroutablePhoneNumberIDs.joined(separator: ",")
    }
}

/// A row of the `message_statuses` table: one Meta status of an outbound message, kept for
/// `/hookInfo` and the statistics; (channel, message, status) is unique.
struct MessageStatusRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "message_statuses"

    enum Columns: String, ColumnExpression {
        case channelID = "channel_id"
        case messageID = "message_id"
        case status
        case rank
        case raw
        case receivedAt = "received_at"
    }

    var channelID: String
    var messageID: String
    var status: String
    var rank: Int
    var raw: [UInt8]
    var receivedAt: Date

    init(_ commit: StatusCommit, receivedAt: Date) {
        channelID = commit.channelID
        messageID = commit.messageID
        status = commit.status
        rank = commit.rank
        raw = commit.raw
        self.receivedAt = receivedAt
    }

    init(row: Row) {
        channelID = row[Columns.channelID]
        messageID = row[Columns.messageID]
        status = row[Columns.status]
        rank = row[Columns.rank]
        raw = Array(row[Columns.raw] as Data)
        receivedAt = Date(timeIntervalSince1970: row[Columns.receivedAt])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.channelID] = channelID
        container[Columns.messageID] = messageID
        container[Columns.status] = status
        container[Columns.rank] = rank
        container[Columns.raw] = Data(raw)
        container[Columns.receivedAt] = receivedAt.timeIntervalSince1970
    }

    /// The statuses of one message.
    static func of(channelID: String, messageID: String) -> QueryInterfaceRequest<MessageStatusRow> {
        filter(Columns.channelID == channelID && Columns.messageID == messageID)
    }

    /// The highest rank stored for a message, 0 when it has no status yet.
    // SQL with a cached statement rather than the query interface: this runs for every status Meta sends.
    static func highestRank(channelID: String, messageID: String, db: Database) throws -> Int {
        try SQLRequest<Int>(
            literal: """
                SELECT MAX(\(Columns.rank)) FROM \(self)
                WHERE \(Columns.channelID) = \(channelID) AND \(Columns.messageID) = \(messageID)
                """,
            cached: true
        ).fetchOne(db) ?? 0
    }
}

extension SQLiteStore {
    /// Commits a raw Meta webhook body, its messages, statuses and the events they produce, in one
    /// transaction. Messages already known by wamid, statuses known by (wamid, status) and keyed events known by
    /// key are dropped.
    @discardableResult
    public func commitInbound(_ commit: InboundCommit) async throws -> InboundCommitResult {
        try await write { db in
            var result = InboundCommitResult()
            // Batch events wait for the end of the commit, when it is known which of them are new.
            var batched: [QueuedEvent] = []
            func queue(_ events: [QueuedEvent]) throws {
                for event in events {
                    if event.batch {
                        batched.append(event)
                    } else {
                        result.queuedDeliveries += try OutboxRow.enqueue(event, at: commit.receivedAt, db: db)
                    }
                }
            }
            try InboundPayloadRow(
                receivedAt: commit.receivedAt, body: commit.payload, unroutablePhoneNumberIDs: commit.unroutablePhoneNumberIDs
            ).insert(db)
            for item in commit.messages {
                guard try MessageRow.insert(item.message, db: db).inserted else {
                    if item.fillsPlaceholder, try MessageRow.fillPlaceholder(with: item.message, db: db) { continue }
                    result.duplicateMessages += 1
                    continue
                }
                result.newMessages += 1
                try queue(item.events)
            }
            for status in commit.statuses {
                let highest = try MessageStatusRow.highestRank(channelID: status.channelID, messageID: status.messageID, db: db)
                try MessageStatusRow(status, receivedAt: commit.receivedAt).insert(db, onConflict: .ignore)
                guard db.changesCount > 0 else {
                    result.duplicateStatuses += 1
                    continue
                }
                result.newStatuses += 1
                // Acks never go backwards: a late "delivered" after "read" is kept for /hookInfo only.
                if status.rank > highest { try queue(status.events) }
            }
            for event in commit.rawEvents {
                result.queuedDeliveries += try OutboxRow.enqueue(event, at: commit.receivedAt, db: db)
            }
            for keyed in commit.keyedEvents {
                guard try InboundEventKeyRow.remember(keyed, at: commit.receivedAt, db: db) else {
                    result.duplicateKeyedEvents += 1
                    continue
                }
                result.newKeyedEvents += 1
                try queue(keyed.events)
            }
            for event in QueuedEvent.batched(batched) {
                result.queuedDeliveries += try OutboxRow.enqueue(event, at: commit.receivedAt, db: db)
            }
            try CustomerIdentityRow.remember(commit.identities, at: commit.receivedAt, db: db)
            try CustomerIdentityRow.follow(commit.userIDChanges, db: db)
            try BusinessContactRow.apply(commit.businessContacts, db: db)
            return result
        }
    }

    /// Meta's status objects of a channel's messages received in `[start, end)`, for its statistics.
    public func statuses(channelID: String, receivedFrom start: Date, to end: Date) async throws -> [[UInt8]] {
        typealias Columns = MessageStatusRow.Columns
        let request =
            MessageStatusRow
            .select(Columns.raw)
            .filter(Columns.channelID == channelID)
            .filter(Columns.receivedAt >= start.timeIntervalSince1970 && Columns.receivedAt < end.timeIntervalSince1970)
        return try await read { db in try Data.fetchAll(db, request).map { Array($0) } }
    }

    /// Meta's stored status objects of one message, oldest first.
    public func statuses(channelID: String, messageID: String) async throws -> [[UInt8]] {
        typealias Columns = MessageStatusRow.Columns
        let request = MessageStatusRow.of(channelID: channelID, messageID: messageID)
            .select(Columns.raw)
            .order(Columns.receivedAt, Columns.rank)
        return try await read { db in try Data.fetchAll(db, request).map { Array($0) } }
    }
}
