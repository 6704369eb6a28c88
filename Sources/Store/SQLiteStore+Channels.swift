import Foundation
import GRDB

/// A row of the `channels` table: a ``ChannelRecord`` with its settings as JSON text and its creation
/// date as seconds since 1970.
struct ChannelRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "channels"

    enum Columns: String, ColumnExpression {
        case id
        case tokenHash = "token_hash"
        case phoneNumberID = "phone_number_id"
        case wabaID = "waba_id"
        case accessToken = "access_token"
        case appSecret = "app_secret"
        case verifyToken = "verify_token"
        case settings
        case createdAt = "created_at"
    }

    var channel: ChannelRecord

    init(_ channel: ChannelRecord) {
        self.channel = channel
    }

    init(row: Row) throws {
        channel = ChannelRecord(
            id: row[Columns.id], tokenHash: row[Columns.tokenHash], phoneNumberID: row[Columns.phoneNumberID],
            wabaID: row[Columns.wabaID], accessToken: row[Columns.accessToken], appSecret: row[Columns.appSecret],
            verifyToken: row[Columns.verifyToken], settings: try Self.settings(json: row[Columns.settings]),
            createdAt: Date(timeIntervalSince1970: row[Columns.createdAt]))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = channel.id
        container[Columns.tokenHash] = channel.tokenHash
        container[Columns.phoneNumberID] = channel.phoneNumberID
        container[Columns.wabaID] = channel.wabaID
        container[Columns.accessToken] = channel.accessToken
        container[Columns.appSecret] = channel.appSecret
        container[Columns.verifyToken] = channel.verifyToken
        container[Columns.settings] = try Self.json(channel.settings)
        container[Columns.createdAt] = channel.createdAt.timeIntervalSince1970
    }

    /// The stored form of settings: JSON text.
    static func json(_ settings: ChannelSettings) throws -> String {
        String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
    }

    static func settings(json text: String) throws -> ChannelSettings {
        do {
            return try JSONDecoder().decode(ChannelSettings.self, from: Data(text.utf8))
        } catch {
            throw StoreError.database("unreadable channel settings")
        }
    }
}

extension SQLiteStore {
    /// Adds a channel; throws ``StoreError/channelExists(field:value:)`` on a duplicate id or phone number id.
    public func addChannel(_ channel: ChannelRecord) async throws {
        let row = ChannelRow(channel)
        try await write { db in
            if try ChannelRow.exists(db, key: channel.id) {
                throw StoreError.channelExists(field: "id", value: channel.id)
            }
            if try !ChannelRow.filter(ChannelRow.Columns.phoneNumberID == channel.phoneNumberID).isEmpty(db) {
                throw StoreError.channelExists(field: "phone number id", value: channel.phoneNumberID)
            }
            try row.insert(db)
        }
    }

    /// The channel with this id.
    public func channel(id: String) async throws -> ChannelRecord? {
        try await channel(where: ChannelRow.Columns.id, is: id)
    }

    /// The channel whose token hashes to `tokenHash`.
    public func channel(tokenHash: String) async throws -> ChannelRecord? {
        try await channel(where: ChannelRow.Columns.tokenHash, is: tokenHash)
    }

    /// The channel whose `column` (a unique one) holds `value`.
    // SQL with a cached statement rather than the query interface: every authenticated request looks a
    // channel up, and building a query-interface request each time cost more than the lookup itself.
    private func channel(where column: ChannelRow.Columns, is value: String) async throws -> ChannelRecord? {
        let request = SQLRequest<ChannelRow>(literal: "SELECT * FROM \(ChannelRow.self) WHERE \(column) = \(value)", cached: true)
        return try await read { db in try request.fetchOne(db)?.channel }
    }

    /// Every channel, ordered by id.
    public func channels() async throws -> [ChannelRecord] {
        try await read { db in
            try ChannelRow.order(ChannelRow.Columns.id).fetchAll(db).map(\.channel)
        }
    }

    /// Removes a channel; `false` when there was none.
    public func removeChannel(id: String) async throws -> Bool {
        try await write { db in try ChannelRow.deleteOne(db, key: id) }
    }

    /// Replaces a channel's settings; throws ``StoreError/channelNotFound(id:)``.
    public func updateSettings(channelID: String, settings: ChannelSettings) async throws {
        let encoded = try ChannelRow.json(settings)
        try await updateChannel(channelID) { [ChannelRow.Columns.settings.set(to: encoded)] }
    }

    /// Replaces a channel's Meta credentials; throws ``StoreError/channelNotFound(id:)``.
    public func updateCredentials(channelID: String, accessToken: String, appSecret: String, verifyToken: String) async throws {
        try await updateChannel(channelID) {
            [
                ChannelRow.Columns.accessToken.set(to: accessToken),
                ChannelRow.Columns.appSecret.set(to: appSecret),
                ChannelRow.Columns.verifyToken.set(to: verifyToken),
            ]
        }
    }

    /// Replaces a channel's token hash; throws ``StoreError/channelNotFound(id:)``.
    public func replaceTokenHash(channelID: String, tokenHash: String) async throws {
        try await updateChannel(channelID) { [ChannelRow.Columns.tokenHash.set(to: tokenHash)] }
    }

    /// Updates one channel's columns; throws ``StoreError/channelNotFound(id:)`` when no row changed.
    private func updateChannel(_ id: String, _ assignments: @escaping @Sendable () -> [ColumnAssignment]) async throws {
        try await write { db in
            if try ChannelRow.filter(key: id).updateAll(db, assignments()) == 0 {
                throw StoreError.channelNotFound(id: id)
            }
        }
    }
}
