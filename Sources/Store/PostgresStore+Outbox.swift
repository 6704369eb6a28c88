import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// The columns of an outbox row, in the order ``outboxEntry(from:)`` reads them.
    private static let outboxColumns =
        "id, channel_id, url, chat_id, body, attempts, queued_at, next_attempt_at, last_error, state, single_attempt"

    /// Queues one pending row per URL of `event`, due at `date`, in the caller's transaction; returns how many.
    @discardableResult
    func enqueue(_ event: QueuedEvent, at date: Date, on connection: PostgresConnection) async throws -> Int {
        let body = ByteBuffer(bytes: event.body)
        let time = date.timeIntervalSince1970
        for url in event.urls {
            _ = try await connection.query(
                """
                INSERT INTO outbox (channel_id, url, chat_id, body, attempts, queued_at, next_attempt_at, state, single_attempt)
                VALUES (\(event.channelID), \(url), \(event.chatID), \(body), 0, \(time), \(time),
                    \(OutboxEntry.State.pending.rawValue), \(event.singleAttempt))
                """,
                logger: queryLogger
            ).collect()
        }
        if !event.urls.isEmpty { try await notify(.outboxQueued, on: connection) }
        return event.urls.count
    }

    /// The advisory lock key that serializes claims across instances (any constant, fixed forever).
    static let claimLockKey: Int64 = 0x6F6E_656D_7367_0002

    /// Claims due entries that are first in their line and whose line holds no unexpired lease, and leases them to
    /// `owner`, in one transaction.
    ///
    /// Claims take a transaction-level advisory lock first, so each claim sees every earlier one committed: the
    /// "no unexpired lease in the line" test spans rows that are not locked, and without it two instances could
    /// each see a line free at once (after a dead letter is replayed in front of a leased entry). The candidate
    /// rows are taken `FOR UPDATE SKIP LOCKED`, so a claim never waits for rows a delivery is updating, and the
    /// direct tests on the row (pending, due, its own lease expired) are checked again on its newest version.
    public func claimOutboxEntries(now: Date, limit: Int, leaseFor: Duration, owner: String) async throws -> [OutboxEntry] {
        let time = now.timeIntervalSince1970
        let until = OutboxEntry.leaseEnd(now: now, duration: leaseFor)
        return try await write { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.claimLockKey))", logger: queryLogger).collect()
            let rows = try await connection.query(
                """
                UPDATE outbox SET lease_owner = \(owner), lease_until = \(until)
                WHERE id IN (
                  SELECT entry.id FROM outbox AS entry
                  WHERE entry.state = 'pending' AND entry.next_attempt_at <= \(time)
                    AND (entry.lease_until IS NULL OR entry.lease_until <= \(time))
                    AND entry.id = (
                      SELECT MIN(line.id) FROM outbox AS line
                      WHERE line.state = 'pending' AND line.channel_id = entry.channel_id AND line.url = entry.url
                        AND line.chat_id = entry.chat_id)
                    AND NOT EXISTS (
                      SELECT 1 FROM outbox AS held
                      WHERE held.state = 'pending' AND held.channel_id = entry.channel_id AND held.url = entry.url
                        AND held.chat_id = entry.chat_id AND held.lease_until > \(time))
                  ORDER BY entry.id LIMIT \(Int64(max(limit, 0)))
                  FOR UPDATE OF entry SKIP LOCKED)
                RETURNING \(unescaped: Self.outboxColumns)
                """,
                logger: queryLogger
            ).collect()
            // RETURNING keeps no order.
            return try rows.map(Self.outboxEntry(from:)).sorted { $0.id < $1.id }
        }
    }

    /// The earliest time a pending entry becomes due, if any.
    public func nextOutboxDueDate() async throws -> Date? {
        try await read { connection in
            let rows = try await connection.query("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'", logger: queryLogger)
                .collect()
            return try rows.first?.decode(Double?.self).map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Makes the pending entries for `url` that wait past `now` due at `now`.
    public func expediteDeliveries(to url: String, now: Date) async throws -> Int {
        let time = now.timeIntervalSince1970
        return try await write { connection in
            try await connection.query(
                """
                UPDATE outbox SET next_attempt_at = \(time)
                WHERE state = 'pending' AND url = \(url) AND next_attempt_at > \(time) RETURNING id
                """,
                logger: queryLogger
            ).collect().count
        }
    }

    /// Removes delivered entries still leased to `owner`, all in one transaction; returns how many.
    public func markDelivered(outboxIDs: [Int64], owner: String) async throws -> Int {
        guard !outboxIDs.isEmpty else { return 0 }
        return try await write { connection in
            try await connection.query(
                "DELETE FROM outbox WHERE id = ANY(\(outboxIDs)) AND lease_owner = \(owner) RETURNING id", logger: queryLogger
            ).collect().count
        }
    }

    /// Records a failed attempt of a pending entry leased to `owner` and when to try it again; ends the lease.
    public func reschedule(outboxID: Int64, owner: String, attempts: Int, at: Date, error: String) async throws -> Bool {
        try await write { connection in
            try await !connection.query(
                """
                UPDATE outbox SET attempts = \(attempts), next_attempt_at = \(at.timeIntervalSince1970), last_error = \(error),
                    lease_owner = NULL, lease_until = NULL
                WHERE id = \(outboxID) AND state = 'pending' AND lease_owner = \(owner) RETURNING id
                """,
                logger: queryLogger
            ).collect().isEmpty
        }
    }

    /// Records a failed attempt that ends the retries of an entry leased to `owner`: a dead letter, out of line.
    public func deadLetter(outboxID: Int64, owner: String, attempts: Int, error: String) async throws -> Bool {
        try await write { connection in
            try await !connection.query(
                """
                UPDATE outbox SET state = 'dead', attempts = \(attempts), last_error = \(error), lease_owner = NULL, lease_until = NULL
                WHERE id = \(outboxID) AND state = 'pending' AND lease_owner = \(owner) RETURNING id
                """,
                logger: queryLogger
            ).collect().isEmpty
        }
    }

    /// Dead letters, oldest first.
    public func deadLetters(limit: Int) async throws -> [OutboxEntry] {
        try await outboxEntries(
            "SELECT \(unescaped: Self.outboxColumns) FROM outbox WHERE state = 'dead' ORDER BY id LIMIT \(Int64(max(limit, 0)))")
    }

    /// Puts dead letters (all, or those with the given ids) back in line with a fresh retry budget; returns how many.
    public func replayDeadLetters(ids: [Int64]?, now: Date) async throws -> Int {
        let time = now.timeIntervalSince1970
        // An operator's replay gets the whole retry budget, even for events queued with guaranteedHooks off.
        let update: PostgresQuery =
            if let ids {
                """
                UPDATE outbox SET state = 'pending', attempts = 0, queued_at = \(time), next_attempt_at = \(time),
                    last_error = NULL, single_attempt = FALSE, lease_owner = NULL, lease_until = NULL
                WHERE state = 'dead' AND id = ANY(\(ids)) RETURNING id
                """
            } else {
                """
                UPDATE outbox SET state = 'pending', attempts = 0, queued_at = \(time), next_attempt_at = \(time),
                    last_error = NULL, single_attempt = FALSE, lease_owner = NULL, lease_until = NULL
                WHERE state = 'dead' RETURNING id
                """
            }
        return try await write { connection in
            let replayed = try await connection.query(update, logger: queryLogger).collect().count
            if replayed > 0 { try await notify(.outboxQueued, on: connection) }
            return replayed
        }
    }

    /// How many entries are pending and dead, and the age of the oldest pending one at `now`.
    public func outboxStats(now: Date) async throws -> OutboxStats {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT COUNT(*) FILTER (WHERE state = 'pending'), COUNT(*) FILTER (WHERE state = 'dead'),
                       MIN(queued_at) FILTER (WHERE state = 'pending')
                FROM outbox
                """,
                logger: queryLogger
            ).collect()
            guard let row = rows.first else { return OutboxStats(pending: 0, dead: 0, oldestPendingAge: 0) }
            let (pending, dead, oldest) = try row.decode((Int64, Int64, Double?).self)
            return OutboxStats(
                pending: Int(pending), dead: Int(dead),
                oldestPendingAge: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0)
        }
    }

    private func outboxEntries(_ query: PostgresQuery) async throws -> [OutboxEntry] {
        try await read { connection in
            try await connection.query(query, logger: queryLogger).collect().map(Self.outboxEntry(from:))
        }
    }

    private static func outboxEntry(from row: PostgresRow) throws -> OutboxEntry {
        let (id, channelID, url, chatID, body, attempts, queuedAt, nextAttemptAt, lastError, state, singleAttempt) = try row.decode(
            (Int64, String, String, String, ByteBuffer, Int64, Double, Double, String?, String, Bool).self)
        // A state this build does not know (written by a newer one) is read as pending, as SQLite's store does.
        return OutboxEntry(
            id: id, channelID: channelID, url: url, chatID: chatID, body: Array(body.readableBytesView), attempts: Int(attempts),
            queuedAt: Date(timeIntervalSince1970: queuedAt), nextAttemptAt: Date(timeIntervalSince1970: nextAttemptAt),
            lastError: lastError, state: OutboxEntry.State(rawValue: state) ?? .pending, singleAttempt: singleAttempt)
    }
}
