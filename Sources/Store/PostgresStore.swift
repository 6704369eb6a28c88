import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The shared store: PostgreSQL through postgres-nio's pooled `PostgresClient`, for several bridge instances on one
/// database. Selected by a `postgres://` `--database` value (``PostgresStoreConfiguration``).
///
/// The pool works while ``service`` runs (the bridge puts it in its `ServiceGroup`; the command line runs it around
/// its work). Before that, and after it stops, each operation opens a connection of its own, so startup work
/// (``migrate()``, the installation secret) needs no running service. Migrations always use a connection of their
/// own. The operations live in extensions by concern, as ``SQLiteStore``'s do; the schema is in
/// ``PostgresMigrations``. Dates are stored as seconds since 1970 in `DOUBLE PRECISION`, as SQLite stores them, so
/// they read back exactly.
public final class PostgresStore: BridgeStore {
    /// Where the store connects; its description hides the password.
    public let configuration: PostgresStoreConfiguration
    /// The pool; leases connections only while ``service`` runs.
    let client: PostgresClient
    /// Background messages of the pool (connection failures); no query or bound value is logged.
    let logger: Logger
    /// Statements log nothing, so bound values (access tokens, message bodies) never reach a log.
    let queryLogger = Logger(label: "onemsg-bridge.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Whether ``service`` is running the pool.
    private let poolRunning = Atomic<Bool>(false)
    /// Runs the writes that number messages in shared transactions while ``service`` runs.
    let batchWriter = PostgresBatchWriter()

    /// A store on the database `configuration` names. Connects on first use.
    public init(configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "onemsg-bridge.store")) {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .info)
        self.configuration = configuration
        self.logger = logger
        client = PostgresClient(configuration: configuration.clientConfiguration(), backgroundLogger: logger)
    }

    /// A store on the database a `postgres://` URL names; throws ``StoreError/unsupportedDatabase(_:)`` for a URL
    /// it cannot read.
    public convenience init(url: String, poolSize: Int = 10, logger: Logger = Logger(label: "onemsg-bridge.store")) throws {
        self.init(configuration: try PostgresStoreConfiguration(url: url, poolSize: poolSize), logger: logger)
    }

    /// Runs the connection pool until cancelled or shut down gracefully. Run it once.
    public var service: (any Service)? { PoolService(store: self) }

    /// Creates or upgrades the schema with ``PostgresMigrations``, on a connection of its own, in one transaction under
    /// an advisory lock: instances starting together migrate one after the other. Safe to call on every start.
    public func migrate() async throws {
        try await run {
            try await withOwnConnection { connection in
                try await PostgresMigrations.migrate(connection, logger: queryLogger)
            }
        }
    }

    /// Reads `SELECT 1`, for readiness checks.
    public func ping() async throws {
        try await read { connection in
            _ = try await connection.query("SELECT 1", logger: self.queryLogger).collect()
        }
    }

    // MARK: - Access for the extensions

    /// Runs `body` on one connection, each statement committing on its own; errors become ``StoreError``.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await run { try await withConnection(body) }
    }

    /// Runs `body` in one transaction, again when PostgreSQL aborts it for a deadlock or a serialization failure;
    /// errors become ``StoreError``.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await run {
            var attempt = 1
            while true {
                do {
                    return try await withConnection { connection in try await transaction(on: connection, body) }
                } catch let error as PSQLError where attempt < 3 && Self.isRetryable(error) {
                    attempt += 1
                }
            }
        }
    }

    /// `body` between `BEGIN` and `COMMIT`, rolled back when it throws; its errors come through as they are.
    func transaction<T>(on connection: PostgresConnection, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        _ = try await connection.query("BEGIN", logger: queryLogger).collect()
        do {
            let value = try await body(connection)
            _ = try await connection.query("COMMIT", logger: queryLogger).collect()
            return value
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: queryLogger).collect()
            throw error
        }
    }

    /// Runs `body` as one write of ``batchWriter`` while it runs (in a transaction shared with the writes queued
    /// meanwhile; `channelID` is the channel whose counter it locks), else in a transaction of its own. Returns once
    /// the transaction holding it has committed; errors become ``StoreError``.
    func batchedWrite<T: Sendable>(
        channelID: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let result = Mutex<T?>(nil)
                let job = PostgresBatchWriter.Job(
                    channelID: channelID,
                    run: { connection in
                        let value = try await body(connection)
                        result.withLock { $0 = value }
                    },
                    finish: { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(with: result.withLock { $0 }.map { .success($0) } ?? .failure(StoreError.database("no result")))
                        }
                    })
                if !batchWriter.submit(job) { continuation.resume(throwing: PostgresBatchWriter.NotRunning()) }
            }
        } catch is PostgresBatchWriter.NotRunning {
            return try await write(body)
        }
    }

    /// One transaction for all of `jobs`; when it fails, each job again in a transaction of its own.
    func commit(_ jobs: [PostgresBatchWriter.Job]) async {
        do {
            try await write { connection in
                for job in jobs { try await job.run(connection) }
            }
            for job in jobs { job.finish(nil) }
        } catch {
            guard jobs.count > 1 else {
                jobs.first?.finish(error)
                return
            }
            for job in jobs {
                do {
                    try await write { connection in try await job.run(connection) }
                    job.finish(nil)
                } catch {
                    job.finish(error)
                }
            }
        }
    }

    /// A pooled connection while the pool runs, else one of its own.
    private func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        if poolRunning.load(ordering: .acquiring) {
            return try await client.withConnection { connection in try await body(connection) }
        }
        return try await withOwnConnection(body)
    }

    /// A new connection for `body`, closed after it.
    func withOwnConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(), id: 0, logger: queryLogger)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs a database operation and turns postgres-nio's errors into ``StoreError``.
    private func run<T>(_ operation: () async throws -> T) async throws -> T {
        try await StoreError.converting(Self.reason, operation)
    }

    /// What went wrong, without the statement's bound values or the password: the server's message and SQLSTATE, or
    /// the kind of client failure.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else {
            if error is PostgresDecodingError { return "a stored value has an unexpected type" }
            return String(describing: error)
        }
        if let server = error.serverInfo {
            return "\(server[.message] ?? "server error") (SQLSTATE \(server[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying {
            return "PostgreSQL \(error.code): \(String(describing: underlying))"
        }
        return "PostgreSQL \(error.code)"
    }

    /// Deadlocks and serialization failures: the transaction may be run again.
    private static func isRetryable(_ error: PSQLError) -> Bool {
        ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    fileprivate func setPoolRunning(_ running: Bool) {
        poolRunning.store(running, ordering: .releasing)
    }

    /// The pool and the batch writer as a ServiceLifecycle service; while it runs the store uses pooled connections.
    private struct PoolService: Service {
        let store: PostgresStore

        func run() async throws {
            store.setPoolRunning(true)
            defer { store.setPoolRunning(false) }
            await withDiscardingTaskGroup { group in
                group.addTask { await store.client.run() }
                // The pool stops at graceful shutdown; the writer too, once the writes queued before it are done.
                group.addTask { try? await cancelWhenGracefulShutdown { await store.batchWriter.run { jobs in await store.commit(jobs) } } }
            }
        }
    }
}
