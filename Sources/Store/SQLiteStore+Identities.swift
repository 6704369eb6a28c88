import Foundation
import GRDB

/// A row of the `customer_identities` table: the business-scoped id a username stood for when a webhook last
/// showed it.
struct CustomerIdentityRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "customer_identities"

    enum Columns: String, ColumnExpression {
        case channelID = "channel_id"
        case username
        case bsuid
        case seenAt = "seen_at"
    }

    var identity: CustomerIdentity
    var seenAt: Date

    init(_ identity: CustomerIdentity, seenAt: Date) {
        self.identity = identity
        self.seenAt = seenAt
    }

    init(row: Row) {
        identity = CustomerIdentity(channelID: row[Columns.channelID], username: row[Columns.username], businessScopedUserID: row[Columns.bsuid])
        seenAt = Date(timeIntervalSince1970: row[Columns.seenAt])
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.channelID] = identity.channelID
        container[Columns.username] = identity.username
        container[Columns.bsuid] = identity.businessScopedUserID
        container[Columns.seenAt] = seenAt.timeIntervalSince1970
    }

    /// Keeps what the newest webhook said: a username can move to another customer.
    static func remember(_ identities: [CustomerIdentity], at date: Date, db: Database) throws {
        for identity in identities {
            try CustomerIdentityRow(identity, seenAt: date).upsert(db)
        }
    }
}

extension SQLiteStore {
    /// The business-scoped user id a username of the channel's customers stands for, as webhooks last showed it.
    public func businessScopedUserID(username: String, channelID: String) async throws -> String? {
        typealias Columns = CustomerIdentityRow.Columns
        return try await read { db in
            try CustomerIdentityRow.filter(Columns.channelID == channelID && Columns.username == username).fetchOne(db)?
                .identity.businessScopedUserID
        }
    }
}
