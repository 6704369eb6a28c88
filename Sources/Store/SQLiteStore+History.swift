import Foundation
import GRDB

/// A row of the `messages` table: a ``StoredMessage`` and its per-channel number.
struct MessageRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "messages"

    enum Columns: String, ColumnExpression {
        case channelID = "channel_id"
        case messageNumber = "message_number"
        case id
        case chatID = "chat_id"
        case fromMe = "from_me"
        case type
        case body
        case quotedMsgID = "quoted_msg_id"
        case time
        case event
        case bsuid
    }

    var messageNumber: Int64
    var message: StoredMessage

    init(messageNumber: Int64, message: StoredMessage) {
        self.messageNumber = messageNumber
        self.message = message
    }

    init(row: Row) {
        messageNumber = row[Columns.messageNumber]
        let event: Data? = row[Columns.event]
        message = StoredMessage(
            channelID: row[Columns.channelID], id: row[Columns.id], chatID: row[Columns.chatID],
            fromMe: row[Columns.fromMe], type: row[Columns.type], body: row[Columns.body],
            quotedMsgID: row[Columns.quotedMsgID], time: Date(timeIntervalSince1970: row[Columns.time]),
            event: event.map { Array($0) }, businessScopedUserID: row[Columns.bsuid])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.channelID] = message.channelID
        container[Columns.messageNumber] = messageNumber
        container[Columns.id] = message.id
        container[Columns.chatID] = message.chatID
        container[Columns.fromMe] = message.fromMe
        container[Columns.type] = message.type
        container[Columns.body] = message.body
        container[Columns.quotedMsgID] = message.quotedMsgID
        container[Columns.time] = message.time.timeIntervalSince1970
        container[Columns.event] = message.event.map { Data($0) }
        container[Columns.bsuid] = message.businessScopedUserID
    }

    /// The history entry this row holds.
    var historyEntry: HistoryEntry {
        HistoryEntry(messageNumber: messageNumber, message: message)
    }

    /// Adds a message to its channel's history with the next number; `inserted` is `false` (and the
    /// number the existing one's) when the channel already has this wamid.
    static func insert(_ message: StoredMessage, db: Database) throws -> (number: Int64, inserted: Bool) {
        // SQL with cached statements rather than the query interface: this runs for every message sent
        // and received, and building query-interface requests each time cost more than the SQLite work.
        let existing = SQLRequest<Int64>(
            literal: """
                SELECT \(Columns.messageNumber) FROM \(self)
                WHERE \(Columns.channelID) = \(message.channelID) AND \(Columns.id) = \(message.id)
                """,
            cached: true)
        if let number = try existing.fetchOne(db) {
            return (number, false)
        }
        let highest = SQLRequest<Int64>(
            literal: "SELECT MAX(\(Columns.messageNumber)) FROM \(self) WHERE \(Columns.channelID) = \(message.channelID)",
            cached: true)
        let number = try (highest.fetchOne(db) ?? 0) + 1
        try MessageRow(messageNumber: number, message: message).insert(db)
        return (number, true)
    }
}

extension SQLiteStore {
    /// Records a message in the channel's history and queues its events, in one transaction; returns
    /// its per-channel message number. A message already in the history (same wamid) queues nothing.
    @discardableResult
    public func recordMessage(_ message: StoredMessage, events: [QueuedEvent]) async throws -> Int64 {
        try await write { db in
            let (number, inserted) = try MessageRow.insert(message, db: db)
            if inserted {
                for event in events { try OutboxRow.enqueue(event, at: message.time, db: db) }
            }
            return number
        }
    }

    /// The messages of a channel matching a `GET /messages` query.
    public func history(channelID: String, query: HistoryQuery) async throws -> [HistoryEntry] {
        typealias Columns = MessageRow.Columns
        var request = MessageRow.filter(Columns.channelID == channelID)
        if let after = query.afterMessageNumber { request = request.filter(Columns.messageNumber > after) }
        if let from = query.fromMessageNumber { request = request.filter(Columns.messageNumber >= from) }
        if let chat = query.chatID {
            // A customer's business-scoped id finds their messages also where the chat id is their number.
            if let at = chat.lastIndex(of: "@"), chat[chat.index(after: at)...].lowercased() == "lid" {
                request = request.filter(Columns.chatID == chat || Columns.bsuid == String(chat[..<at]))
            } else {
                request = request.filter(Columns.chatID == chat)
            }
        }
        if let min = query.minTime { request = request.filter(Columns.time >= min.timeIntervalSince1970) }
        if let max = query.maxTime { request = request.filter(Columns.time <= max.timeIntervalSince1970) }
        if let id = query.messageID { request = request.filter(Columns.id == id) }
        request = request.order(query.last ? Columns.messageNumber.desc : Columns.messageNumber.asc)
        if let limit = query.limit { request = request.limit(Swift.max(limit, 0)) }
        let finished = request
        return try await read { db in try finished.fetchAll(db).map(\.historyEntry) }
    }
}
