import Foundation
import PostgresNIO

extension PostgresStore {
    /// A random secret of this installation, created on first use (signs media links).
    public func installationSecret(named name: String) async throws -> String {
        let candidate = ChannelToken.generate() + ChannelToken.generate()
        return try await write { connection in
            // The first writer wins, also across instances sharing the database.
            _ = try await connection.query(
                "INSERT INTO installation_secrets (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING",
                logger: queryLogger
            ).collect()
            let rows = try await connection.query("SELECT value FROM installation_secrets WHERE name = \(name)", logger: queryLogger)
                .collect()
            return try rows.first?.decode(String.self) ?? candidate
        }
    }
}
