import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Commits a raw Meta webhook body, its messages, statuses and the events they produce, in one
    /// transaction. Messages already known by wamid, statuses known by (wamid, status) and keyed events known by
    /// key are dropped.
    @discardableResult
    public func commitInbound(_ commit: InboundCommit) async throws -> InboundCommitResult {
        try await batchedWrite(channelID: commit.messages.first?.message.channelID ?? "") { [self] connection in
            var result = InboundCommitResult()
            // Batch events wait for the end of the commit, when it is known which of them are new.
            var batched: [QueuedEvent] = []
            let unroutable = commit.unroutablePhoneNumberIDs.isEmpty ? nil : commit.unroutablePhoneNumberIDs.joined(separator: ",")
            _ = try await connection.query(
                """
                INSERT INTO inbound_payloads (received_at, body, unroutable)
                VALUES (\(commit.receivedAt.timeIntervalSince1970), \(ByteBuffer(bytes: commit.payload)), \(unroutable))
                """,
                logger: queryLogger
            ).collect()
            // Everything that takes no lock first: the messages lock their channel's counter until the commit.
            try await remember(commit.identities, at: commit.receivedAt, on: connection)
            try await apply(commit.businessContacts, on: connection)
            for item in commit.messages {
                let added = try await addMessage(
                    item.message, queueing: item.events.filter { !$0.batch }, at: commit.receivedAt, on: connection)
                guard added.inserted else {
                    if item.fillsPlaceholder, try await fillPlaceholder(with: item.message, on: connection) { continue }
                    result.duplicateMessages += 1
                    continue
                }
                result.newMessages += 1
                result.queuedDeliveries += added.queued
                batched += item.events.filter(\.batch)
            }
            for status in commit.statuses {
                guard let highest = try await insertStatus(status, at: commit.receivedAt, on: connection) else {
                    result.duplicateStatuses += 1
                    continue
                }
                result.newStatuses += 1
                // Acks never go backwards: a late "delivered" after "read" is kept for /hookInfo only.
                for event in status.events where status.rank > highest {
                    if event.batch {
                        batched.append(event)
                    } else {
                        result.queuedDeliveries += try await enqueue(event, at: commit.receivedAt, on: connection)
                    }
                }
            }
            for event in commit.rawEvents {
                result.queuedDeliveries += try await enqueue(event, at: commit.receivedAt, on: connection)
            }
            for keyed in commit.keyedEvents {
                guard try await rememberKey(keyed, at: commit.receivedAt, on: connection) else {
                    result.duplicateKeyedEvents += 1
                    continue
                }
                result.newKeyedEvents += 1
                for event in keyed.events {
                    if event.batch {
                        batched.append(event)
                    } else {
                        result.queuedDeliveries += try await enqueue(event, at: commit.receivedAt, on: connection)
                    }
                }
            }
            for event in QueuedEvent.batched(batched) {
                result.queuedDeliveries += try await enqueue(event, at: commit.receivedAt, on: connection)
            }
            // After the messages, as in the SQLite store: a message of this payload under the previous id follows too.
            try await follow(commit.userIDChanges, on: connection)
            return result
        }
    }

    /// Meta's status objects of a channel's messages received in `[start, end)`, for its statistics.
    public func statuses(channelID: String, receivedFrom start: Date, to end: Date) async throws -> [[UInt8]] {
        try await rawStatuses(
            """
            SELECT raw FROM message_statuses
            WHERE channel_id = \(channelID) AND received_at >= \(start.timeIntervalSince1970) AND received_at < \(end.timeIntervalSince1970)
            ORDER BY received_at, rank
            """)
    }

    /// Meta's stored status objects of one message, oldest first.
    public func statuses(channelID: String, messageID: String) async throws -> [[UInt8]] {
        try await rawStatuses(
            "SELECT raw FROM message_statuses WHERE channel_id = \(channelID) AND message_id = \(messageID) ORDER BY received_at, rank")
    }

    /// Keeps a status unless its (channel, message, status) is stored; returns the highest rank the message had
    /// before (0 for none), or `nil` for a duplicate.
    private func insertStatus(_ status: StatusCommit, at date: Date, on connection: PostgresConnection) async throws -> Int? {
        let stored = try await connection.query(
            "SELECT MAX(rank) FROM message_statuses WHERE channel_id = \(status.channelID) AND message_id = \(status.messageID)",
            logger: queryLogger
        ).collect()
        let highest: Int64 = try stored.first?.decode(Int64?.self) ?? 0
        let inserted = try await connection.query(
            """
            INSERT INTO message_statuses (channel_id, message_id, status, rank, raw, received_at)
            VALUES (\(status.channelID), \(status.messageID), \(status.status), \(Int64(status.rank)), \(ByteBuffer(bytes: status.raw)),
                \(date.timeIntervalSince1970))
            ON CONFLICT (channel_id, message_id, status) DO NOTHING
            RETURNING 1
            """,
            logger: queryLogger
        ).collect()
        return inserted.isEmpty ? nil : Int(highest)
    }

    private func rawStatuses(_ query: PostgresQuery) async throws -> [[UInt8]] {
        try await read { connection in
            try await connection.query(query, logger: queryLogger).collect().map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
        }
    }
}
