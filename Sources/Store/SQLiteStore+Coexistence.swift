import Crypto
import Foundation
import GRDB

/// A row of the `inbound_event_keys` table: a keyed event (call or group) already queued for a channel. The key is
/// kept as its SHA-256, since Meta's items (call offers with their SDP) can be long.
struct InboundEventKeyRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "inbound_event_keys"

    enum Columns: String, ColumnExpression {
        case channelID = "channel_id"
        case keyDigest = "key_digest"
        case receivedAt = "received_at"
    }

    var channelID: String
    var keyDigest: String
    var receivedAt: Date

    init(channelID: String, key: String, receivedAt: Date) {
        self.channelID = channelID
        keyDigest = Hex.lowercase(SHA256.hash(data: Data(key.utf8)))
        self.receivedAt = receivedAt
    }

    init(row: Row) {
        channelID = row[Columns.channelID]
        keyDigest = row[Columns.keyDigest]
        receivedAt = Date(timeIntervalSince1970: row[Columns.receivedAt])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.channelID] = channelID
        container[Columns.keyDigest] = keyDigest
        container[Columns.receivedAt] = receivedAt.timeIntervalSince1970
    }

    /// Remembers the key; `false` when the channel had it already.
    static func remember(_ commit: KeyedEventCommit, at date: Date, db: Database) throws -> Bool {
        try InboundEventKeyRow(channelID: commit.channelID, key: commit.key, receivedAt: date).insert(db, onConflict: .ignore)
        return db.changesCount > 0
    }
}

/// A row of the `business_contacts` table: the newest `smb_app_state_sync` change of one number; a removal is kept
/// (`removed`), so that an older change delivered late does not bring the contact back.
struct BusinessContactRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "business_contacts"

    enum Columns: String, ColumnExpression {
        case channelID = "channel_id"
        case phone
        case fullName = "full_name"
        case firstName = "first_name"
        case removed
        case changedAt = "changed_at"
    }

    var change: BusinessContactChange

    init(_ change: BusinessContactChange) {
        self.change = change
    }

    init(row: Row) {
        change = BusinessContactChange(
            contact: BusinessContact(
                channelID: row[Columns.channelID], phone: row[Columns.phone], fullName: row[Columns.fullName],
                firstName: row[Columns.firstName], changedAt: Date(timeIntervalSince1970: row[Columns.changedAt])),
            removed: row[Columns.removed])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.channelID] = change.contact.channelID
        container[Columns.phone] = change.contact.phone
        container[Columns.fullName] = change.removed ? nil : change.contact.fullName
        container[Columns.firstName] = change.removed ? nil : change.contact.firstName
        container[Columns.removed] = change.removed
        container[Columns.changedAt] = change.contact.changedAt.timeIntervalSince1970
    }

    /// Applies changes in order; one older than the stored change of its number is ignored.
    static func apply(_ changes: [BusinessContactChange], db: Database) throws {
        for change in changes {
            let contact = change.contact
            let stored = try BusinessContactRow.filter(Columns.channelID == contact.channelID && Columns.phone == contact.phone).fetchOne(db)
            if let stored, stored.change.contact.changedAt > contact.changedAt { continue }
            try BusinessContactRow(change).upsert(db)
        }
    }
}

extension MessageRow {
    /// Replaces a history `media_placeholder` with the message that brings its content, keeping its number; `false`
    /// when the channel has no placeholder with this wamid.
    static func fillPlaceholder(with message: StoredMessage, db: Database) throws -> Bool {
        try db.execute(
            literal: """
                UPDATE \(self) SET \(Columns.type) = \(message.type), \(Columns.body) = \(message.body),
                    \(Columns.quotedMsgID) = \(message.quotedMsgID), \(Columns.event) = \(message.event.map { Data($0) }),
                    \(Columns.chatID) = \(message.chatID), \(Columns.fromMe) = \(message.fromMe), \(Columns.time) = \(message.time.timeIntervalSince1970),
                    \(Columns.bsuid) = \(message.businessScopedUserID)
                WHERE \(Columns.channelID) = \(message.channelID) AND \(Columns.id) = \(message.id) AND \(Columns.type) = 'media_placeholder'
                """)
        return db.changesCount > 0
    }
}

extension CustomerIdentityRow {
    /// Moves a channel's identities and history from a user's old business-scoped id to the new one.
    static func follow(_ changes: [UserIDChange], db: Database) throws {
        for change in changes where change.previous != change.current {
            try db.execute(
                literal: """
                    UPDATE \(self) SET \(Columns.bsuid) = \(change.current)
                    WHERE \(Columns.channelID) = \(change.channelID) AND \(Columns.bsuid) = \(change.previous)
                    """)
            try db.execute(
                literal: """
                    UPDATE \(MessageRow.self) SET \(MessageRow.Columns.bsuid) = \(change.current)
                    WHERE \(MessageRow.Columns.channelID) = \(change.channelID) AND \(MessageRow.Columns.bsuid) = \(change.previous)
                    """)
        }
    }
}

extension SQLiteStore {
    /// A contact of the channel's Business App address book by number; `nil` when unknown or removed.
    public func businessContact(phone: String, channelID: String) async throws -> BusinessContact? {
        typealias Columns = BusinessContactRow.Columns
        return try await read { db in
            let row = try BusinessContactRow.filter(Columns.channelID == channelID && Columns.phone == phone).fetchOne(db)
            guard let row, !row.change.removed else { return nil }
            return row.change.contact
        }
    }
}
