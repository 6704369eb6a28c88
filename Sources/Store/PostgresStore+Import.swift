import Foundation
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Every table `store copy` requires empty: those it fills and `message_counters`.
    private static let importedTables = StoreCopy.tables.map(\.name) + ["message_counters"]

    /// Fills the empty tables `tables` with the batches `batch(table, afterRowID)` returns until one is empty, in one
    /// transaction; then sets `message_counters` and the id sequences to continue after the copied rows. Throws
    /// ``StoreError/copyTargetNotEmpty(tables:)``, having written nothing, when any table has a row.
    func importRows(
        of tables: [StoreCopy.Table],
        batch: (StoreCopy.Table, Int64) async throws -> (lastRowID: Int64, rows: [[StoreCopy.Value]])
    ) async throws -> StoreCopySummary {
        try await write { connection in
            // Held to the commit: a bridge or a second copy on this database waits, then finds the rows.
            let names = Self.importedTables.joined(separator: ", ")
            _ = try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(names) IN SHARE ROW EXCLUSIVE MODE"), logger: queryLogger)
                .collect()
            var nonEmpty: [String] = []
            for table in Self.importedTables {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) LIMIT 1"), logger: queryLogger).collect()
                if !rows.isEmpty { nonEmpty.append(table) }
            }
            guard nonEmpty.isEmpty else { throw StoreError.copyTargetNotEmpty(tables: nonEmpty) }

            var summary = StoreCopySummary()
            for table in tables {
                var count = 0
                var after: Int64 = 0
                while true {
                    let (last, rows) = try await batch(table, after)
                    guard !rows.isEmpty else { break }
                    try await insert(rows, into: table, on: connection)
                    count += rows.count
                    after = last
                }
                summary.tables.append(StoreCopySummary.TableCount(table: table.name, rows: count))
            }
            let counters = try await connection.query(
                """
                INSERT INTO message_counters (channel_id, last_number)
                SELECT channel_id, MAX(message_number) FROM messages GROUP BY channel_id
                RETURNING 1
                """,
                logger: queryLogger
            ).collect()
            summary.tables.append(StoreCopySummary.TableCount(table: "message_counters", rows: counters.count))
            for table in ["outbox", "inbound_payloads"] {
                // The next id the sequence gives is above every copied one (1 when none was copied).
                _ = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
                            FROM \(table)
                            """),
                    logger: queryLogger
                ).collect()
            }
            return summary
        }
    }

    /// One multi-row `INSERT` of `rows` into `table`, each value bound (never spliced) and cast to its column's type.
    private func insert(_ rows: [[StoreCopy.Value]], into table: StoreCopy.Table, on connection: PostgresConnection) async throws {
        var binds = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for (value, column) in zip(row, table.columns) {
                switch value {
                case .text(let text): binds.append(text)
                case .integer(let number): binds.append(number)
                case .real(let number): binds.append(number)
                case .boolean(let flag): binds.append(flag)
                case .bytes(let bytes): binds.append(ByteBuffer(bytes: bytes))
                case .null: binds.appendNull()
                }
                placeholders.append("$\(binds.count)::\(column.kind.sqlType)")
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(table.name) (\(table.columnList)) VALUES \(tuples.joined(separator: ", "))"
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: queryLogger).collect()
    }
}
