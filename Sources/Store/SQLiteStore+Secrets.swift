import Foundation
import GRDB

/// A row of the `installation_secrets` table: one named random secret of this installation.
struct InstallationSecretRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "installation_secrets"

    enum Columns: String, ColumnExpression {
        case name
        case value
    }

    var name: String
    var value: String

    init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    init(row: Row) {
        name = row[Columns.name]
        value = row[Columns.value]
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.name] = name
        container[Columns.value] = value
    }
}

extension SQLiteStore {
    /// A random secret of this installation, created on first use (signs media links).
    public func installationSecret(named name: String) async throws -> String {
        let candidate = InstallationSecretRow(name: name, value: ChannelToken.generate() + ChannelToken.generate())
        return try await write { db in
            // The first writer wins, also across processes sharing the file.
            try candidate.insert(db, onConflict: .ignore)
            return try InstallationSecretRow.fetchOne(db, key: name)?.value ?? candidate.value
        }
    }
}
