import Foundation
import PostgresNIO

extension PostgresStore {
    /// The columns of a channel, in the order ``channel(from:)`` reads them.
    private static let channelColumns =
        "id, token_hash, phone_number_id, waba_id, access_token, app_secret, verify_token, settings, created_at"

    /// Adds a channel; throws ``StoreError/channelExists(field:value:)`` on a duplicate id or phone number id.
    public func addChannel(_ channel: ChannelRecord) async throws {
        let settings = try ChannelRow.json(channel.settings)
        try await write { connection in
            if try await !connection.query("SELECT 1 FROM channels WHERE id = \(channel.id)", logger: queryLogger).collect().isEmpty {
                throw StoreError.channelExists(field: "id", value: channel.id)
            }
            let phoneInUse = try await connection.query(
                "SELECT 1 FROM channels WHERE phone_number_id = \(channel.phoneNumberID)", logger: queryLogger
            ).collect()
            if !phoneInUse.isEmpty {
                throw StoreError.channelExists(field: "phone number id", value: channel.phoneNumberID)
            }
            do {
                _ = try await connection.query(
                    """
                    INSERT INTO channels (\(unescaped: Self.channelColumns))
                    VALUES (\(channel.id), \(channel.tokenHash), \(channel.phoneNumberID), \(channel.wabaID),
                        \(channel.accessToken), \(channel.appSecret), \(channel.verifyToken), \(settings),
                        \(channel.createdAt.timeIntervalSince1970))
                    """,
                    logger: queryLogger
                ).collect()
                try await notify(.channel(id: channel.id), on: connection)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                // Another instance added the same channel between the checks and the insert.
                switch error.serverInfo?[.constraintName] {
                case "channels_pkey": throw StoreError.channelExists(field: "id", value: channel.id)
                case "channels_phone_number_id_key": throw StoreError.channelExists(field: "phone number id", value: channel.phoneNumberID)
                default: throw error
                }
            }
        }
    }

    /// The channel with this id.
    public func channel(id: String) async throws -> ChannelRecord? {
        try await channels(where: "WHERE id = \(id)").first
    }

    /// The channel whose token hashes to `tokenHash`.
    public func channel(tokenHash: String) async throws -> ChannelRecord? {
        try await channels(where: "WHERE token_hash = \(tokenHash)").first
    }

    /// Every channel, ordered by id.
    public func channels() async throws -> [ChannelRecord] {
        try await channels(where: "ORDER BY id")
    }

    /// Removes a channel; `false` when there was none.
    public func removeChannel(id: String) async throws -> Bool {
        try await write { connection in
            let removed = try await !connection.query("DELETE FROM channels WHERE id = \(id) RETURNING 1", logger: queryLogger).collect()
                .isEmpty
            if removed { try await notify(.channel(id: id), on: connection) }
            return removed
        }
    }

    /// Replaces a channel's settings; throws ``StoreError/channelNotFound(id:)``.
    public func updateSettings(channelID: String, settings: ChannelSettings) async throws {
        let encoded = try ChannelRow.json(settings)
        try await updateChannel(channelID, "UPDATE channels SET settings = \(encoded) WHERE id = \(channelID) RETURNING 1")
    }

    /// Replaces a channel's Meta credentials; throws ``StoreError/channelNotFound(id:)``.
    public func updateCredentials(channelID: String, accessToken: String, appSecret: String, verifyToken: String) async throws {
        try await updateChannel(
            channelID,
            """
            UPDATE channels SET access_token = \(accessToken), app_secret = \(appSecret), verify_token = \(verifyToken)
            WHERE id = \(channelID) RETURNING 1
            """)
    }

    /// Replaces a channel's token hash; throws ``StoreError/channelNotFound(id:)``.
    public func replaceTokenHash(channelID: String, tokenHash: String) async throws {
        try await updateChannel(channelID, "UPDATE channels SET token_hash = \(tokenHash) WHERE id = \(channelID) RETURNING 1")
    }

    /// Runs an `UPDATE … RETURNING 1` of one channel; throws ``StoreError/channelNotFound(id:)`` when no row changed.
    private func updateChannel(_ id: String, _ update: PostgresQuery) async throws {
        try await write { connection in
            if try await connection.query(update, logger: queryLogger).collect().isEmpty {
                throw StoreError.channelNotFound(id: id)
            }
            try await notify(.channel(id: id), on: connection)
        }
    }

    /// The channels a `WHERE`/`ORDER BY` tail selects.
    private func channels(where tail: PostgresQuery) async throws -> [ChannelRecord] {
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.channelColumns) FROM channels \(tail.sql)", binds: tail.binds)
        return try await read { connection in
            try await connection.query(query, logger: queryLogger).collect().map(Self.channel(from:))
        }
    }

    private static func channel(from row: PostgresRow) throws -> ChannelRecord {
        let (id, tokenHash, phoneNumberID, wabaID, accessToken, appSecret, verifyToken, settings, createdAt) = try row.decode(
            (String, String, String, String, String, String, String, String, Double).self)
        return ChannelRecord(
            id: id, tokenHash: tokenHash, phoneNumberID: phoneNumberID, wabaID: wabaID, accessToken: accessToken,
            appSecret: appSecret, verifyToken: verifyToken, settings: try ChannelRow.settings(json: settings),
            createdAt: Date(timeIntervalSince1970: createdAt))
    }
}
