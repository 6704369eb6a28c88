import Foundation
import Store
import Synchronization
import Testing

/// Outbox leases with two `PostgresStore` instances (two pools) on one database, as two bridges would run them.
@Suite("PostgreSQL store: outbox leases across instances")
struct PostgresLeaseTests {
    /// What the instances have delivered so far, and which lines they hold.
    private final class Ledger: Sendable {
        private let state = Mutex((held: Set<String>(), overlaps: 0, delivered: [String: [Int64]]()))

        func claim(_ line: String) {
            state.withLock { if !$0.held.insert(line).inserted { $0.overlaps += 1 } }
        }

        // Called before the result is written, so the line is free here no later than in the store.
        func release(_ line: String, id: Int64) {
            state.withLock {
                $0.held.remove(line)
                $0.delivered[line, default: []].append(id)
            }
        }

        var overlaps: Int { state.withLock { $0.overlaps } }
        var delivered: [String: [Int64]] { state.withLock { $0.delivered } }
    }

    @Test(
        "two instances delivering one outbox at once deliver each entry once, one at a time and in order per line",
        .enabled(if: PostgresTestServer.adminURL != nil))
    func twoInstances() async throws {
        let configuration = try await PostgresTestServer.makeDatabase()
        let stores = [PostgresStore(configuration: configuration), PostgresStore(configuration: configuration)]
        try await stores[0].migrate()
        for chat in 1...4 {
            for number in 1...10 {
                try await stores[0].recordMessage(
                    Fixtures.message("w\(chat)-\(number)", chat: "\(chat)@c.us"), events: [Fixtures.event("\(chat)@c.us", "\(number)")])
            }
        }
        let ledger = Ledger()
        let recorded = try await withThrowingTaskGroup(of: Int.self) { group in
            for service in stores.compactMap(\.service) {
                group.addTask {
                    try await service.run()
                    return 0
                }
            }
            var workers = [Task<Int, any Error>]()
            for (index, store) in stores.enumerated() {
                workers.append(
                    Task {
                        var recorded = 0
                        while try await store.outboxStats(now: Date()).pending > 0 {
                            let owner = "instance-\(index)"
                            let claimed = try await store.claimOutboxEntries(now: Date(), limit: 3, leaseFor: .seconds(60), owner: owner)
                            for entry in claimed { ledger.claim("\(entry.url) \(entry.chatID)") }
                            try await Task.sleep(for: .milliseconds(1))  // the deliveries
                            for entry in claimed { ledger.release("\(entry.url) \(entry.chatID)", id: entry.id) }
                            recorded += try await store.markDelivered(outboxIDs: claimed.map(\.id), owner: owner)
                            if claimed.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                        }
                        return recorded
                    })
            }
            var total = 0
            for worker in workers { total += try await worker.value }
            group.cancelAll()
            return total
        }
        #expect(recorded == 80, "4 chats × 10 events × 2 URLs, each recorded once")
        #expect(ledger.overlaps == 0, "no line was held by both instances at once")
        let delivered = ledger.delivered
        #expect(delivered.count == 8)
        #expect(delivered.values.allSatisfy { $0 == $0.sorted() && $0.count == 10 }, "each line in queue order, each entry once")
    }
}
