import Foundation
import GRDB

extension SQLiteStore {
    /// Claims a send's idempotency key (see ``BridgeStore/claimIdempotencyKey(channelID:key:fingerprint:now:)``).
    public func claimIdempotencyKey(channelID: String, key: String, fingerprint: String, now: Date) async throws -> IdempotencyClaim {
        let claimedAt = now.timeIntervalSince1970
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE claimed_at < ?", arguments: [claimedAt - IdempotencyKeys.lifetime])
            let row = try Row.fetchOne(
                db, sql: "SELECT fingerprint, claimed_at, reply_status, reply_body FROM idempotency_keys WHERE channel_id = ? AND key = ?",
                arguments: [channelID, key])
            guard let row else {
                try db.execute(
                    sql: "INSERT INTO idempotency_keys (channel_id, key, fingerprint, claimed_at) VALUES (?, ?, ?, ?)",
                    arguments: [channelID, key, fingerprint, claimedAt])
                return .claimed
            }
            return IdempotencyClaim(
                storedFingerprint: row["fingerprint"], fingerprint: fingerprint, claimedAt: row["claimed_at"],
                replyStatus: row["reply_status"], replyBody: (row["reply_body"] as Data?).map { Array($0) })
        }
    }

    /// Keeps the reply of a claimed key's request.
    public func recordIdempotentReply(channelID: String, key: String, reply: IdempotentReply) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE idempotency_keys SET reply_status = ?, reply_body = ? WHERE channel_id = ? AND key = ?",
                arguments: [reply.status, Data(reply.body), channelID, key])
        }
    }

    /// Frees a claimed key whose request reached no one.
    public func releaseIdempotencyKey(channelID: String, key: String) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE channel_id = ? AND key = ? AND reply_status IS NULL", arguments: [channelID, key])
        }
    }
}

extension IdempotencyClaim {
    /// What a stored key means for a request with `fingerprint`.
    init(storedFingerprint: String, fingerprint: String, claimedAt: Double, replyStatus: Int?, replyBody: [UInt8]?) {
        if storedFingerprint != fingerprint {
            self = .conflict
        } else if let replyStatus, let replyBody {
            self = .answered(IdempotentReply(status: replyStatus, body: replyBody))
        } else {
            self = .pending(since: Date(timeIntervalSince1970: claimedAt))
        }
    }
}
