import Foundation
import Logging
import PostgresNIO

/// Changes between instances: `NOTIFY` on one channel, sent inside the transaction that makes the change (so it
/// reaches the others only once committed, and repeats within one transaction fold into one), and a follower that
/// keeps a connection of its own in `LISTEN`.
extension PostgresStore {
    /// The notification channel every instance listens on (fixed forever, as the schema is).
    static let changeChannel = "onemsg_bridge_changes"

    /// Instances on one database announce their changes to each other.
    public var announcesChanges: Bool { true }

    /// Sends `change` to every listening instance, this one included.
    public func announce(_ change: StoreChange) async throws {
        try await read { connection in try await notify(change, on: connection) }
    }

    /// Queues `change` for every listener, delivered when the caller's transaction commits.
    func notify(_ change: StoreChange, on connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT pg_notify(\(Self.changeChannel), \(change.payload))", logger: queryLogger).collect()
    }

    /// Listens on a connection of its own (the pool's connections stay free) and passes each announced change to
    /// `receive`, starting with ``StoreChange/resync``; when the connection is lost it connects again after a
    /// second and says ``StoreChange/resync`` again. Returns when the task is cancelled.
    public func followChanges(_ receive: @escaping @Sendable (StoreChange) async -> Void) async throws {
        while !Task.isCancelled {
            do {
                try await withOwnConnection { connection in
                    try await connection.listen(on: Self.changeChannel) { notifications in
                        await receive(.resync)
                        for try await notification in notifications {
                            if let change = StoreChange(payload: notification.payload) { await receive(change) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "not following other instances' changes; connecting again",
                    metadata: ["error": "\(Self.reason(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
