import Foundation
import PostgresNIO
import Store
import Testing

/// What only the PostgreSQL store promises: its URL, secret-free errors, and migrations and message numbers that
/// hold with several instances on one database. The tests that need a server run when `BRIDGE_TEST_POSTGRES_URL` is
/// set.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("a postgres:// URL gives host, port, user, password, database and sslmode; the description hides the password")
    func urlParsing() throws {
        let full = try PostgresStoreConfiguration(url: "postgres://bridge:p%40ss@db.example:6543/onemsg?sslmode=require", poolSize: 7)
        #expect(full.host == "db.example" && full.port == 6543)
        #expect(full.username == "bridge" && full.password == "p@ss" && full.database == "onemsg")
        #expect(full.sslMode == .require && full.poolSize == 7)
        #expect(full.redacted == "postgres://bridge:***@db.example:6543/onemsg?sslmode=require")
        #expect(!"\(full)".contains("p@ss") && !String(reflecting: full.description).contains("p@ss"))

        let bare = try PostgresStoreConfiguration(url: "postgresql://bridge@127.0.0.1")
        #expect(bare.port == 5432 && bare.password == nil && bare.database == "bridge")
        #expect(bare.sslMode == .prefer && bare.poolSize == 10)
        #expect(try PostgresStoreConfiguration(url: "postgres://u@h/d?sslmode=disable").sslMode == .disable)
        #expect(try PostgresStoreConfiguration(url: "postgres://u@h/d?sslmode=verify-full").sslMode == .verifyFull)
        #expect(try PostgresStoreConfiguration(url: "postgres://u@[::1]:5433/d").host == "::1")
    }

    @Test("a URL the store cannot use is refused, and the refusal never repeats the password")
    func badURLs() {
        for url in [
            "postgres://u:hunter22@h/d?sslmode=sometimes", "postgres://u:hunter22@h/d?sslrootcert=/x", "postgres://:hunter22@h/d",
            "postgres://u:hunter22@/d", "http://u:hunter22@h/d",
        ] {
            #expect(
                performing: { try PostgresStoreConfiguration(url: url) },
                throws: { error in
                    (error as? StoreError).map { !"\($0)".contains("hunter22") } ?? false
                })
        }
        #expect(throws: StoreError.self) { try PostgresStoreConfiguration(url: "postgres://u@h/d", poolSize: 0) }
    }

    @Test("a server that cannot be reached fails with a store error that does not contain the password")
    func unreachable() async throws {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let store = try PostgresStore(url: "postgres://bridge:not-in-errors-42@127.0.0.1:1/bridge?sslmode=disable")
        for operation in [{ try await store.migrate() }, { try await store.ping() }, { _ = try await store.channels() }] {
            do {
                try await operation()
                Issue.record("an unreachable server did not fail")
            } catch let error as StoreError {
                #expect(!"\(error)".contains("not-in-errors-42"))
                #expect(!String(reflecting: error).contains("not-in-errors-42"))
            }
        }
        #expect(!"\(store.configuration)".contains("not-in-errors-42"))
    }

    @Test("two instances migrating one new database at once leave one schema and no error", .enabled(if: PostgresTestServer.adminURL != nil))
    func concurrentMigrations() async throws {
        let configuration = try await PostgresTestServer.makeDatabase()
        let first = PostgresStore(configuration: configuration)
        let second = PostgresStore(configuration: configuration)
        async let one: Void = first.migrate()
        async let two: Void = second.migrate()
        _ = try await (one, two)
        try await first.migrate()
        try await second.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        #expect(try await first.channels().map(\.id) == ["alpha"])
        #expect(try await Self.count("SELECT COUNT(*) FROM schema_migrations", in: configuration) == 9)
    }

    @Test(
        "message numbers stay unique and increasing with two instances writing one channel at once",
        .enabled(if: PostgresTestServer.adminURL != nil))
    func concurrentMessageNumbers() async throws {
        let configuration = try await PostgresTestServer.makeDatabase()
        let first = PostgresStore(configuration: configuration)
        let second = PostgresStore(configuration: configuration)
        try await first.migrate()
        let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
            for service in [first.service, second.service].compactMap({ $0 }) {
                group.addTask {
                    try await service.run()
                    return 0
                }
            }
            var writers = [Task<[Int64], any Error>]()
            for (index, store) in [first, second].enumerated() {
                writers.append(
                    Task {
                        var numbers = [Int64]()
                        for message in 0..<40 {
                            // Every message twice, once through each instance: each is numbered once.
                            numbers.append(try await store.recordMessage(Fixtures.message("w\(message)"), events: []))
                            numbers.append(try await store.recordMessage(Fixtures.message("x\(index)-\(message)"), events: []))
                        }
                        return numbers
                    })
            }
            var all = [Int64]()
            for writer in writers { all += try await writer.value }
            group.cancelAll()
            return all
        }
        let history = try await first.messages(channelID: "alpha")
        #expect(history.count == 40 + 80)
        let entries = try await first.history(
            channelID: "alpha",
            query: {
                var query = HistoryQuery()
                query.limit = nil
                return query
            }())
        #expect(entries.map(\.messageNumber) == Array(1...120))
        #expect(Set(numbers).count == 120)
    }

    /// The first column of a one-row query, on a connection of its own.
    private static func count(_ sql: String, in configuration: PostgresStoreConfiguration) async throws -> Int64 {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
                database: configuration.database, tls: .disable),
            id: 2, logger: .init(label: "store-tests"))
        let rows = try? await connection.query(PostgresQuery(unsafeSQL: sql), logger: .init(label: "store-tests")).collect()
        try await connection.close()
        return try rows?.first?.decode(Int64.self) ?? -1
    }
}
