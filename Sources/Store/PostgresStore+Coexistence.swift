import Crypto
import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// A contact of the channel's Business App address book by number; `nil` when unknown or removed.
    public func businessContact(phone: String, channelID: String) async throws -> BusinessContact? {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT full_name, first_name, removed, changed_at FROM business_contacts
                WHERE channel_id = \(channelID) AND phone = \(phone)
                """,
                logger: queryLogger
            ).collect()
            guard let row = rows.first else { return nil }
            let (fullName, firstName, removed, changedAt) = try row.decode((String?, String?, Bool, Double).self)
            guard !removed else { return nil }
            return BusinessContact(
                channelID: channelID, phone: phone, fullName: fullName, firstName: firstName,
                changedAt: Date(timeIntervalSince1970: changedAt))
        }
    }

    /// Remembers a keyed event's key (as its SHA-256, since call offers with their SDP can be long); `false` when the
    /// channel had it already.
    func rememberKey(_ commit: KeyedEventCommit, at date: Date, on connection: PostgresConnection) async throws -> Bool {
        let digest = Hex.lowercase(SHA256.hash(data: Data(commit.key.utf8)))
        return try await !connection.query(
            """
            INSERT INTO inbound_event_keys (channel_id, key_digest, received_at)
            VALUES (\(commit.channelID), \(digest), \(date.timeIntervalSince1970))
            ON CONFLICT (channel_id, key_digest) DO NOTHING RETURNING 1
            """,
            logger: queryLogger
        ).collect().isEmpty
    }

    /// Applies Business App contact changes in order; one older than the stored change of its number is ignored, so a
    /// late retry never brings back a removed contact.
    func apply(_ changes: [BusinessContactChange], on connection: PostgresConnection) async throws {
        for change in changes {
            let contact = change.contact
            _ = try await connection.query(
                """
                INSERT INTO business_contacts (channel_id, phone, full_name, first_name, removed, changed_at)
                VALUES (\(contact.channelID), \(contact.phone), \(change.removed ? nil : contact.fullName),
                    \(change.removed ? nil : contact.firstName), \(change.removed), \(contact.changedAt.timeIntervalSince1970))
                ON CONFLICT (channel_id, phone) DO UPDATE SET full_name = EXCLUDED.full_name, first_name = EXCLUDED.first_name,
                    removed = EXCLUDED.removed, changed_at = EXCLUDED.changed_at
                WHERE business_contacts.changed_at <= EXCLUDED.changed_at
                """,
                logger: queryLogger
            ).collect()
        }
    }

    /// Replaces a history `media_placeholder` with the message that brings its content, keeping its number; `false`
    /// when the channel has no placeholder with this wamid.
    func fillPlaceholder(with message: StoredMessage, on connection: PostgresConnection) async throws -> Bool {
        let event = message.event.map { ByteBuffer(bytes: $0) }
        return try await !connection.query(
            """
            UPDATE messages SET type = \(message.type), body = \(message.body), quoted_msg_id = \(message.quotedMsgID),
                event = \(event), chat_id = \(message.chatID), from_me = \(message.fromMe), time = \(message.time.timeIntervalSince1970),
                bsuid = \(message.businessScopedUserID)
            WHERE channel_id = \(message.channelID) AND id = \(message.id) AND type = 'media_placeholder'
            RETURNING 1
            """,
            logger: queryLogger
        ).collect().isEmpty
    }
}
