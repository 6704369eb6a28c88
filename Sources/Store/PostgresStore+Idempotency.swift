import Foundation
import PostgresNIO

extension PostgresStore {
    /// Claims a send's idempotency key (see ``BridgeStore/claimIdempotencyKey(channelID:key:fingerprint:now:)``).
    /// Two instances claiming one key at once: the insert of one wins, the other reads its row (`pending`).
    public func claimIdempotencyKey(channelID: String, key: String, fingerprint: String, now: Date) async throws -> IdempotencyClaim {
        let claimedAt = now.timeIntervalSince1970
        return try await write { connection in
            _ = try await connection.query(
                "DELETE FROM idempotency_keys WHERE claimed_at < \(claimedAt - IdempotencyKeys.lifetime)", logger: queryLogger
            ).collect()
            let inserted = try await connection.query(
                """
                INSERT INTO idempotency_keys (channel_id, key, fingerprint, claimed_at)
                VALUES (\(channelID), \(key), \(fingerprint), \(claimedAt))
                ON CONFLICT (channel_id, key) DO NOTHING RETURNING 1
                """,
                logger: queryLogger
            ).collect()
            if !inserted.isEmpty { return .claimed }
            let rows = try await connection.query(
                """
                SELECT fingerprint, claimed_at, reply_status, reply_body FROM idempotency_keys
                WHERE channel_id = \(channelID) AND key = \(key)
                """,
                logger: queryLogger
            ).collect()
            guard let row = rows.first else { throw StoreError.database("an idempotency key vanished while it was claimed") }
            let (stored, claimed, status, body) = try row.decode((String, Double, Int?, ByteBuffer?).self)
            return IdempotencyClaim(
                storedFingerprint: stored, fingerprint: fingerprint, claimedAt: claimed, replyStatus: status,
                replyBody: body.map { Array($0.readableBytesView) })
        }
    }

    /// Keeps the reply of a claimed key's request.
    public func recordIdempotentReply(channelID: String, key: String, reply: IdempotentReply) async throws {
        try await write { connection in
            _ = try await connection.query(
                """
                UPDATE idempotency_keys SET reply_status = \(reply.status), reply_body = \(ByteBuffer(bytes: reply.body))
                WHERE channel_id = \(channelID) AND key = \(key)
                """,
                logger: queryLogger
            ).collect()
        }
    }

    /// Frees a claimed key whose request reached no one.
    public func releaseIdempotencyKey(channelID: String, key: String) async throws {
        try await write { connection in
            _ = try await connection.query(
                "DELETE FROM idempotency_keys WHERE channel_id = \(channelID) AND key = \(key) AND reply_status IS NULL",
                logger: queryLogger
            ).collect()
        }
    }
}
