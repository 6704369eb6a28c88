import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// The columns of a history row, in the order ``historyEntry(from:)`` reads them.
    static let messageColumns = "channel_id, message_number, id, chat_id, from_me, type, body, quoted_msg_id, time, event, bsuid"

    /// Records a message in the channel's history and queues its events, in one transaction; returns
    /// its per-channel message number. A message already in the history (same wamid) queues nothing.
    @discardableResult
    public func recordMessage(_ message: StoredMessage, events: [QueuedEvent]) async throws -> Int64 {
        try await batchedWrite(channelID: message.channelID) { [self] connection in
            try await addMessage(message, queueing: events, at: message.time, on: connection).number
        }
    }

    /// Adds a message to its channel's history with the next number and queues `events` (when the message is new), in
    /// the caller's transaction; `inserted` is `false` (and the number the existing one's) when the channel already has
    /// this wamid. The first event of the message's own channel goes in the same round trip
    /// (``PostgresMigrations/addMessageFunction``, which queues one body); the others follow it in order.
    ///
    /// The channel's row of `message_counters` is locked first, so that concurrent writers of one channel take
    /// numbers one after the other, and a wamid committed meanwhile by another is seen. The lock is held until the
    /// transaction ends: call this last, right before the commit, where possible.
    func addMessage(
        _ message: StoredMessage, queueing events: [QueuedEvent], at date: Date, on connection: PostgresConnection
    ) async throws -> (number: Int64, inserted: Bool, queued: Int) {
        // The function queues for the message's own channel only; another channel's event goes in separately.
        let folded = events.first.flatMap { $0.channelID == message.channelID ? $0 : nil }
        let rows = try await connection.query(
            """
            SELECT o_number, o_inserted, o_queued FROM onemsg_bridge_add_message(
                \(message.channelID), \(message.id), \(message.chatID), \(message.fromMe), \(message.type), \(message.body),
                \(message.quotedMsgID), \(message.time.timeIntervalSince1970), \(message.event.map { ByteBuffer(bytes: $0) }),
                \(message.businessScopedUserID), \(folded?.chatID), \(folded.map { ByteBuffer(bytes: $0.body) }),
                \(folded?.urls ?? []), \(folded?.singleAttempt ?? false), \(date.timeIntervalSince1970),
                \(OutboxEntry.State.pending.rawValue), \(Self.changeChannel), \(StoreChange.outboxQueued.payload))
            """,
            logger: queryLogger
        ).collect()
        guard let row = rows.first else { throw StoreError.database("no message number was assigned") }
        let (number, inserted, queued) = try row.decode((Int64, Bool, Int32).self)
        var queuedCount = Int(queued)
        if inserted {
            for event in folded == nil ? events[...] : events.dropFirst() {
                queuedCount += try await enqueue(event, at: date, on: connection)
            }
        }
        return (number, inserted, queuedCount)
    }

    /// The messages of a channel matching a `GET /messages` query.
    public func history(channelID: String, query: HistoryQuery) async throws -> [HistoryEntry] {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var sql = "SELECT \(Self.messageColumns) FROM messages WHERE channel_id = \(bind(channelID))"
        if let after = query.afterMessageNumber { sql += " AND message_number > \(bind(after))" }
        if let from = query.fromMessageNumber { sql += " AND message_number >= \(bind(from))" }
        if let chat = query.chatID {
            // A customer's business-scoped id finds their messages also where the chat id is their number.
            if let at = chat.lastIndex(of: "@"), chat[chat.index(after: at)...].lowercased() == "lid" {
                sql += " AND (chat_id = \(bind(chat)) OR bsuid = \(bind(String(chat[..<at]))))"
            } else {
                sql += " AND chat_id = \(bind(chat))"
            }
        }
        if let min = query.minTime { sql += " AND time >= \(bind(min.timeIntervalSince1970))" }
        if let max = query.maxTime { sql += " AND time <= \(bind(max.timeIntervalSince1970))" }
        if let id = query.messageID { sql += " AND id = \(bind(id))" }
        sql += query.last ? " ORDER BY message_number DESC" : " ORDER BY message_number"
        if let limit = query.limit { sql += " LIMIT \(bind(Int64(Swift.max(limit, 0))))" }
        let request = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read { connection in
            try await connection.query(request, logger: queryLogger).collect().map(Self.historyEntry(from:))
        }
    }

    static func historyEntry(from row: PostgresRow) throws -> HistoryEntry {
        let (channelID, number, id, chatID, fromMe, type, body, quoted, time, event, bsuid) = try row.decode(
            (String, Int64, String, String, Bool, String, String, String?, Double, ByteBuffer?, String?).self)
        return HistoryEntry(
            messageNumber: number,
            message: StoredMessage(
                channelID: channelID, id: id, chatID: chatID, fromMe: fromMe, type: type, body: body, quotedMsgID: quoted,
                time: Date(timeIntervalSince1970: time), event: event.map { Array($0.readableBytesView) },
                businessScopedUserID: bsuid))
    }
}
