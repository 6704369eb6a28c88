import Foundation
import PostgresNIO

extension PostgresStore {
    /// The business-scoped user id a username of the channel's customers stands for, as webhooks last showed it.
    public func businessScopedUserID(username: String, channelID: String) async throws -> String? {
        try await read { connection in
            try await connection.query(
                "SELECT bsuid FROM customer_identities WHERE channel_id = \(channelID) AND username = \(username)", logger: queryLogger
            ).collect().first?.decode(String.self)
        }
    }

    /// Keeps what the newest webhook said, in the caller's transaction: a username can move to another customer.
    func remember(_ identities: [CustomerIdentity], at date: Date, on connection: PostgresConnection) async throws {
        for identity in identities {
            _ = try await connection.query(
                """
                INSERT INTO customer_identities (channel_id, username, bsuid, seen_at)
                VALUES (\(identity.channelID), \(identity.username), \(identity.businessScopedUserID), \(date.timeIntervalSince1970))
                ON CONFLICT (channel_id, username) DO UPDATE SET bsuid = EXCLUDED.bsuid, seen_at = EXCLUDED.seen_at
                """,
                logger: queryLogger
            ).collect()
        }
    }

    /// Moves a channel's identities and history from a user's old business-scoped id to the new one.
    func follow(_ changes: [UserIDChange], on connection: PostgresConnection) async throws {
        for change in changes where change.previous != change.current {
            _ = try await connection.query(
                """
                UPDATE customer_identities SET bsuid = \(change.current)
                WHERE channel_id = \(change.channelID) AND bsuid = \(change.previous)
                """,
                logger: queryLogger
            ).collect()
            _ = try await connection.query(
                "UPDATE messages SET bsuid = \(change.current) WHERE channel_id = \(change.channelID) AND bsuid = \(change.previous)",
                logger: queryLogger
            ).collect()
        }
    }
}
