import Foundation
import NIOCore
import PostgresNIO

/// Reading what the store holds, beyond what the product asks of a ``BridgeStore``: for tests and
/// operators looking into a database. The bridge itself does not call these.
extension PostgresStore {
    /// Every message of a channel, oldest first.
    public func messages(channelID: String) async throws -> [StoredMessage] {
        var query = HistoryQuery()
        query.limit = nil
        return try await history(channelID: channelID, query: query).map(\.message)
    }

    /// The most recent raw Meta webhook bodies, newest first.
    public func recentInboundPayloads(limit: Int) async throws -> [[UInt8]] {
        try await read { connection in
            try await connection.query(
                "SELECT body FROM inbound_payloads ORDER BY id DESC LIMIT \(Int64(max(limit, 0)))", logger: queryLogger
            ).collect().map { Array(try $0.decode(ByteBuffer.self).readableBytesView) }
        }
    }
}
