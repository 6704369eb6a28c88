/// Errors of the store layer. Descriptions never contain secrets.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A channel with this id or phone number id exists already.
    case channelExists(field: String, value: String)
    /// No channel has this id.
    case channelNotFound(id: String)
    /// The `--database` value names no store this build supports.
    case unsupportedDatabase(String)
    /// The database failed; the text is the driver's, without bound values.
    case database(String)
    /// `store copy` found rows in these tables of its target, which must be empty; nothing was written.
    case copyTargetNotEmpty(tables: [String])

    /// A sentence for operators and logs.
    public var description: String {
        switch self {
        case .channelExists(let field, let value): "a channel with \(field) \"\(value)\" exists already"
        case .channelNotFound(let id): "no channel with id \"\(id)\""
        case .unsupportedDatabase(let reason): reason
        case .database(let reason): "database error: \(reason)"
        case .copyTargetNotEmpty(let tables):
            "the target database is not empty (rows in \(tables.joined(separator: ", "))); copy into a new, empty database"
        }
    }
}

extension StoreError {
    /// Runs a database operation of a store; an error that is not a ``StoreError`` already becomes
    /// ``database(_:)`` in `reason`'s words, which never quote a statement's bound values.
    static func converting<T>(_ reason: (any Error) -> String, _ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(reason(error))
        }
    }
}
