import Logging

/// Opens the store a `--database` value names: a file path (SQLite) or a `postgres://` URL (PostgreSQL).
public enum StoreLocator {
    /// The store for `database`; throws ``StoreError/unsupportedDatabase(_:)`` for a URL this build cannot open,
    /// ``StoreError/database(_:)`` when the file cannot be opened. `poolSize` is the most connections a PostgreSQL
    /// store keeps open; a PostgreSQL store's ``BridgeStore/service`` must run while it is used.
    public static func open(
        _ database: String, poolSize: Int = 10, logger: Logger = Logger(label: "onemsg-bridge.store")
    ) throws -> any BridgeStore {
        let lowered = database.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            return try PostgresStore(url: database, poolSize: poolSize, logger: logger)
        }
        if lowered.contains("://") {
            throw StoreError.unsupportedDatabase(
                "--database takes an SQLite file path or a postgres:// URL, not \(database.split(separator: ":").first ?? "")")
        }
        return try SQLiteStore(path: database)
    }
}
