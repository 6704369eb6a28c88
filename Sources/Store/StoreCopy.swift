import Foundation
import GRDB

/// `onemsg-bridge store copy`: moves everything an SQLite store holds into a new, empty PostgreSQL database, for a
/// move from one bridge node to many.
///
/// The target is migrated first; then, in one PostgreSQL transaction, its tables are locked, checked empty (any row
/// in any of them refuses the copy with ``StoreError/copyTargetNotEmpty(tables:)``, nothing written), and filled table
/// by table in batches of rows read from SQLite in `rowid` order. Rows keep their values: message numbers, outbox
/// and inbound payload ids (so each chat's line of pending deliveries keeps its order). Last, `message_counters`
/// gets each channel's highest message number and the id sequences move past the copied ids, so numbering continues
/// after the copied rows. A failure anywhere rolls everything back.
///
/// The source is migrated too (as `serve` would) and read in several read transactions: stop the bridge that
/// uses it first, or rows written during the copy may be missed.
public enum StoreCopy {
    /// The kind of a copied column, as PostgreSQL stores it.
    enum Kind: Sendable {
        case text, integer, real, boolean, bytes

        /// The PostgreSQL type a bound value is cast to.
        var sqlType: String {
            switch self {
            case .text: "TEXT"
            case .integer: "BIGINT"
            case .real: "DOUBLE PRECISION"
            case .boolean: "BOOLEAN"
            case .bytes: "BYTEA"
            }
        }
    }

    /// One value of a copied row.
    enum Value: Sendable, Hashable {
        case text(String), integer(Int64), real(Double), boolean(Bool), bytes([UInt8]), null
    }

    /// A copied column: its name (the same in both schemas) and kind.
    struct Column: Sendable {
        let name: String
        let kind: Kind
    }

    /// A copied table: its name (the same in both schemas) and the columns copied, the v1–v6 ones.
    struct Table: Sendable {
        let name: String
        let columns: [Column]

        init(_ name: String, _ columns: [(String, Kind)]) {
            self.name = name
            self.columns = columns.map { Column(name: $0.0, kind: $0.1) }
        }

        /// The column names, comma-separated.
        var columnList: String { columns.map(\.name).joined(separator: ", ") }
    }

    /// Every table copied, in the order copied. Only the columns both schemas have; a column a later migration adds
    /// with a default (the outbox's leases) takes it.
    static let tables: [Table] = [
        Table(
            "channels",
            [
                ("id", .text), ("token_hash", .text), ("phone_number_id", .text), ("waba_id", .text), ("access_token", .text),
                ("app_secret", .text), ("verify_token", .text), ("settings", .text), ("created_at", .real),
            ]),
        Table("installation_secrets", [("name", .text), ("value", .text)]),
        Table(
            "messages",
            [
                ("channel_id", .text), ("message_number", .integer), ("id", .text), ("chat_id", .text), ("from_me", .boolean),
                ("type", .text), ("body", .text), ("quoted_msg_id", .text), ("time", .real), ("event", .bytes), ("bsuid", .text),
            ]),
        Table(
            "message_statuses",
            [
                ("channel_id", .text), ("message_id", .text), ("status", .text), ("rank", .integer), ("raw", .bytes),
                ("received_at", .real),
            ]),
        Table("customer_identities", [("channel_id", .text), ("username", .text), ("bsuid", .text), ("seen_at", .real)]),
        Table(
            "business_contacts",
            [
                ("channel_id", .text), ("phone", .text), ("full_name", .text), ("first_name", .text), ("removed", .boolean),
                ("changed_at", .real),
            ]),
        Table("inbound_event_keys", [("channel_id", .text), ("key_digest", .text), ("received_at", .real)]),
        Table("inbound_payloads", [("id", .integer), ("received_at", .real), ("body", .bytes), ("unroutable", .text)]),
        Table(
            "outbox",
            [
                ("id", .integer), ("channel_id", .text), ("url", .text), ("chat_id", .text), ("body", .bytes), ("attempts", .integer),
                ("queued_at", .real), ("next_attempt_at", .real), ("last_error", .text), ("state", .text),
                ("single_attempt", .boolean),
            ]),
    ]

    /// Copies every row of `source` into `target`, which must be empty, in batches of `batchSize` rows; returns how
    /// many rows each table received. Throws ``StoreError/copyTargetNotEmpty(tables:)`` for a target with rows.
    /// `batchSize` is kept within 1…5000, so a batch binds at most 55,000 values (PostgreSQL takes 65,535).
    public static func copy(from source: SQLiteStore, to target: PostgresStore, batchSize: Int = 500) async throws -> StoreCopySummary {
        let limit = min(max(batchSize, 1), 5000)
        try await source.migrate()
        try await target.migrate()
        return try await target.importRows(of: tables) { table, afterRowID in
            try await source.copyBatch(of: table, afterRowID: afterRowID, limit: limit)
        }
    }
}

/// How many rows `store copy` wrote, per table, in the order copied; `message_counters` last.
public struct StoreCopySummary: Sendable, Hashable {
    /// One table and its row count.
    public struct TableCount: Sendable, Hashable {
        /// The table's name.
        public var table: String
        /// How many rows were copied into it.
        public var rows: Int
    }

    /// Every table, in the order copied.
    public var tables: [TableCount] = []

    /// The rows copied into `table` (0 for a table not copied).
    public func rows(in table: String) -> Int {
        tables.first { $0.table == table }?.rows ?? 0
    }
}

extension SQLiteStore {
    /// Up to `limit` rows of `table` after `afterRowID`, in `rowid` order, with the `rowid` of the last one.
    func copyBatch(of table: StoreCopy.Table, afterRowID: Int64, limit: Int) async throws -> (lastRowID: Int64, rows: [[StoreCopy.Value]]) {
        // Table and column names are the constants of StoreCopy.tables, never input.
        let sql = "SELECT rowid, \(table.columnList) FROM \(table.name) WHERE rowid > ? ORDER BY rowid LIMIT ?"
        return try await read { db in
            var last = afterRowID
            var rows: [[StoreCopy.Value]] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: [afterRowID, limit]) {
                last = row[0]
                rows.append(
                    try table.columns.enumerated().map { index, column in
                        try Self.copyValue(row[index + 1] as DatabaseValue, kind: column.kind, at: "\(table.name).\(column.name)")
                    })
            }
            return (last, rows)
        }
    }

    /// A stored value as the PostgreSQL column takes it; throws for a value of another type (the text names the
    /// column, never the value).
    private static func copyValue(_ value: DatabaseValue, kind: StoreCopy.Kind, at column: String) throws -> StoreCopy.Value {
        switch (kind, value.storage) {
        case (_, .null): return .null
        case (.text, .string(let text)): return .text(text)
        case (.integer, .int64(let number)): return .integer(number)
        case (.boolean, .int64(let number)): return .boolean(number != 0)
        case (.real, .double(let number)): return .real(number)
        case (.real, .int64(let number)): return .real(Double(number))
        case (.bytes, .blob(let data)): return .bytes(Array(data))
        case (.bytes, .string(let text)): return .bytes(Array(text.utf8))
        default: throw StoreError.database("\(column) holds a value of an unexpected type")
        }
    }
}
