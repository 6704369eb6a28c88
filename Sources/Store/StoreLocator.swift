/// Opens the store a `--database` value names: a file path (SQLite) or a `postgres://` URL.
public enum StoreLocator {
    /// The store for `database`; throws ``StoreError/unsupportedDatabase(_:)`` for a URL this build
    /// cannot open, ``StoreError/database(_:)`` when the file cannot be opened.
    public static func open(_ database: String) throws -> any BridgeStore {
        let lowered = database.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            throw StoreError.unsupportedDatabase(
                "the PostgreSQL store is not part of this build yet; use an SQLite file path for --database")
        }
        if lowered.contains("://") {
            throw StoreError.unsupportedDatabase(
                "--database takes an SQLite file path or a postgres:// URL, not \(database.split(separator: ":").first ?? "")")
        }
        return try SQLiteStore(path: database)
    }
}
