import Foundation
import GRDB

/// Reading what the store holds, beyond what the product asks of a ``BridgeStore``: for tests and
/// operators looking into a database. The bridge itself does not call these.
extension SQLiteStore {
    /// Every message of a channel, oldest first.
    public func messages(channelID: String) async throws -> [StoredMessage] {
        var query = HistoryQuery()
        query.limit = nil
        return try await history(channelID: channelID, query: query).map(\.message)
    }

    /// The most recent raw Meta webhook bodies, newest first.
    public func recentInboundPayloads(limit: Int) async throws -> [[UInt8]] {
        typealias Columns = InboundPayloadRow.Columns
        let request = InboundPayloadRow.select(Columns.body).order(Columns.id.desc).limit(limit)
        return try await read { db in try Data.fetchAll(db, request).map { Array($0) } }
    }

    /// Every pending outbox entry, in queue order.
    public func pendingOutboxEntries() async throws -> [OutboxEntry] {
        let request = OutboxRow.all(in: .pending).order(OutboxRow.Columns.id)
        return try await read { db in try request.fetchAll(db).map(\.entry) }
    }
}
