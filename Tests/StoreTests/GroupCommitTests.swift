import Foundation
import GRDB
import Synchronization
import Testing

@testable import Store

/// SQLite writes that arrive together share one transaction, yet each is all or nothing and answered after commit.
@Suite("Group commit")
struct GroupCommitTests {
    let database: DatabaseQueue
    let commits: GroupCommit
    let transactions: CommitCounter

    init() throws {
        database = try DatabaseQueue()
        try database.write { db in try db.execute(sql: "CREATE TABLE items (name TEXT NOT NULL UNIQUE)") }
        commits = GroupCommit(writer: database)
        transactions = CommitCounter()
        database.add(transactionObserver: transactions, extent: .databaseLifetime)
    }

    @Test("writes queued behind a busy writer go in one transaction; one that fails is rolled back alone", .timeLimit(.minutes(1)))
    func sharedTransaction() async throws {
        // Hold the writer's queue, so that every write below waits for it.
        let release = DispatchSemaphore(value: 0)
        database.asyncWriteWithoutTransaction { _ in release.wait() }
        let names = (0..<50).map { "item \($0)" } + ["item 7"]
        try await withThrowingTaskGroup(of: Result<Int, any Error>.self) { group in
            for name in names {
                group.addTask {
                    do {
                        return .success(
                            try await commits.write { db in
                                try db.execute(sql: "INSERT INTO items (name) VALUES (?)", arguments: [name])
                                return db.changesCount
                            })
                    } catch {
                        return .failure(error)
                    }
                }
            }
            while commits.waitingWrites < names.count - 1 { try await Task.sleep(for: .milliseconds(1)) }
            release.signal()
            let outcomes = try await group.reduce(into: [Result<Int, any Error>]()) { $0.append($1) }
            #expect(outcomes.filter { (try? $0.get()) == 1 }.count == 50)
            #expect(outcomes.filter { if case .failure = $0 { true } else { false } }.count == 1, "the repeated name fails")
        }
        #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") } == 50)
        #expect(transactions.count == 2, "the first write alone, then the 50 that waited together")
    }

    @Test("a caller is answered only after its transaction committed, and learns when it did not")
    func answeredAfterCommit() async throws {
        let name = try await commits.write { db -> String in
            try db.execute(sql: "INSERT INTO items (name) VALUES ('first')")
            return "first"
        }
        #expect(try await database.read { db in try String.fetchOne(db, sql: "SELECT name FROM items") } == name)
        await #expect(throws: DatabaseError.self) {
            try await commits.write { db in try db.execute(sql: "INSERT INTO missing_table VALUES (1)") }
        }
    }
}

/// Counts the commits of a database.
final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Mutex(0)

    var count: Int { commits.withLock { $0 } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
