import Foundation
import Logging
import PostgresNIO
import Store

/// The PostgreSQL server the tests may use: `BRIDGE_TEST_POSTGRES_URL`, an admin URL of a throwaway server (for
/// example `postgres://bridge@127.0.0.1:54329/postgres`, as `scripts/with-postgres` sets it).
///
/// Each store gets a database of its own (`store_test_<uuid>`), so tests stay independent. The databases are not
/// dropped: a test has no end hook to stop the store's pool first, and the throwaway cluster goes away whole.
enum PostgresTestServer {
    /// The admin URL, `nil` when the variable is unset or empty.
    static let adminURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["BRIDGE_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// A new, empty database on the server; returns its configuration (pool size 4: many tests run at once).
    static func makeDatabase() async throws -> PostgresStoreConfiguration {
        guard let adminURL else { throw StoreError.unsupportedDatabase("BRIDGE_TEST_POSTGRES_URL is not set") }
        let admin = try PostgresStoreConfiguration(url: adminURL, poolSize: 4)
        let name = "store_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: admin.host, port: admin.port, username: admin.username, password: admin.password, database: admin.database,
                tls: .disable),
            id: 1, logger: Logger(label: "store-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            // The name is ours (letters, digits, underscores): safe to splice into the statement.
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "store-tests"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return admin.with(database: name)
    }

    /// A store on a new database, its pool running for the rest of the test process.
    static func makeStore() async throws -> PostgresStore {
        let store = PostgresStore(configuration: try await makeDatabase())
        if let service = store.service {
            // Test scaffolding: no ServiceGroup here, and the store outlives the call that made it.
            Task.detached { try? await service.run() }
        }
        return store
    }
}
