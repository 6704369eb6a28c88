import Foundation
import GRDB

/// The embedded store: SQLite through GRDB. A file store is a `DatabasePool` in WAL mode with
/// `synchronous=NORMAL` (a commit survives a process crash; a power loss may lose the last
/// transactions); ``inMemory()`` gives a private database for tests.
///
/// The operations live in extensions by concern: channels, history, inbound, outbox, secrets; the
/// schema is in ``SQLiteMigrations``.
public final class SQLiteStore: BridgeStore {
    /// One writer; a `DatabasePool` for files, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// Every write goes through it: the writes that arrive together share one transaction.
    private let commits: GroupCommit

    /// Opens (creating if needed) the database file at `path`, and its parent folder.
    public convenience init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let pool: DatabasePool
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: url.path, configuration: Self.configuration())
        } catch {
            throw StoreError.database("cannot open SQLite database at \(path): \(Self.reason(error))")
        }
        self.init(writer: pool)
    }

    /// A store in a private in-memory database, gone when the store is released. For tests.
    public static func inMemory() throws -> SQLiteStore {
        do {
            return SQLiteStore(writer: try DatabaseQueue(configuration: configuration()))
        } catch {
            throw StoreError.database("cannot open an in-memory SQLite database: \(reason(error))")
        }
    }

    private init(writer: any DatabaseWriter) {
        self.writer = writer
        commits = GroupCommit(writer: writer)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(5)
        return configuration
    }

    /// Creates or upgrades the schema with ``SQLiteMigrations``. Safe to call on every start.
    public func migrate() async throws {
        let migrator = SQLiteMigrations.migrator
        try await run { [writer] in try migrator.migrate(writer) }
    }

    /// Reads `SELECT 1`, for readiness checks.
    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: - Access for the extensions

    /// Runs `body` in a read-only access; errors become ``StoreError``.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await run { [writer] in try await writer.read(body) }
    }

    /// Runs `body` as one write, all or nothing, and returns once it is committed; writes that arrive together share
    /// a transaction (``GroupCommit``). Errors become ``StoreError``.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await run { [commits] in try await commits.write(body) }
    }

    /// Runs a database operation and turns GRDB's errors into ``StoreError``; GRDB's own descriptions
    /// can quote the SQL arguments, which may be secrets, so only the SQLite message is kept.
    private func run<T>(_ operation: () async throws -> T) async throws -> T {
        try await StoreError.converting(Self.reason, operation)
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode)"
        }
        return String(describing: type(of: error))
    }
}
