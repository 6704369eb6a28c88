import ArgumentParser
import Foundation
import Store

/// `onemsg-bridge store copy`: the move from one node (SQLite) to many (PostgreSQL).
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Work on the bridge's database as a whole.",
        subcommands: [Copy.self]
    )

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an SQLite store into a new, empty PostgreSQL database (stop the bridge first).",
            discussion: """
                Copies channels (with credentials and settings), installation secrets, the message history with its \
                message numbers, statuses, identities, business contacts, keyed-event records, raw inbound payloads and \
                the pending and dead outbox, in one PostgreSQL transaction, after migrating the target. Refuses a \
                target with any row in these tables; then nothing is written. Prints the rows copied per table.
                """)

        @Option(help: "The SQLite file to copy from.") var from: String
        @Option(help: "The postgres:// URL of the empty database to copy into.") var to: String
        @Option(help: "Rows per INSERT (1 to 5000).") var batchSize = 500

        func validate() throws {
            let lowered = to.lowercased()
            guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else {
                throw ValidationError("--to must be a postgres:// URL")
            }
            guard (1...5000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 5000") }
        }

        func run() async throws {
            // Opening a missing path would create an empty database and copy nothing.
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw CommandFailure("store copy: no SQLite file at \(from)")
            }
            let source = try SQLiteStore(path: from)
            let target = try PostgresStore(url: to, poolSize: 1)
            print("Copying \(from) into \(target.configuration.redacted) …")
            let summary: StoreCopySummary
            do {
                summary = try await StoreCopy.copy(from: source, to: target, batchSize: batchSize)
            } catch let error as StoreError {
                throw CommandFailure("store copy: \(error)")
            }
            for table in summary.tables {
                print("\(table.table): \(table.rows)")
            }
            print("Copied \(summary.tables.reduce(0) { $0 + $1.rows }) rows. Point every bridge at the PostgreSQL URL with --database.")
        }
    }
}
