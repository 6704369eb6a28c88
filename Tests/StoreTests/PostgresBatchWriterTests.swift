import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@testable import Store

/// The writer of message-numbering writes on PostgreSQL: writes queued meanwhile share the next transaction, ordered
/// by channel; one that fails fails alone.
@Suite("PostgreSQL batch writer")
struct PostgresBatchWriterTests {
    @Test("writes queued while a transaction runs go together in the next one, ordered by channel", .timeLimit(.minutes(1)))
    func batches() async throws {
        let writer = PostgresBatchWriter()
        let seen = Recorder()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await writer.run { jobs in
                    seen.batches.withLock { $0.append(jobs.map(\.channelID)) }
                    while !seen.firstMayFinish.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(1)) }
                    for job in jobs { job.finish(nil) }
                }
            }
            let job = { (channel: String) in
                PostgresBatchWriter.Job(channelID: channel, run: { _ in }, finish: { _ in seen.finished.add(1, ordering: .relaxed) })
            }
            while !writer.submit(job("first")) { try await Task.sleep(for: .milliseconds(1)) }
            while seen.batches.withLock({ $0.count }) < 1 { try await Task.sleep(for: .milliseconds(1)) }
            for channel in ["beta", "alpha", "beta", "alpha"] { #expect(writer.submit(job(channel))) }
            seen.firstMayFinish.store(true, ordering: .relaxed)
            while seen.finished.load(ordering: .relaxed) < 5 { try await Task.sleep(for: .milliseconds(1)) }
            group.cancelAll()
        }
        #expect(seen.batches.withLock { $0 } == [["first"], ["alpha", "alpha", "beta", "beta"]])
        #expect(!writer.submit(.init(channelID: "late", run: { _ in }, finish: { _ in })), "no writer runs after it stopped")
    }

    @Test(
        "concurrent writes through a running store: each answered after commit, one failing write fails alone",
        .enabled(if: PostgresTestServer.adminURL != nil), .timeLimit(.minutes(1)))
    func sharedTransactions() async throws {
        let store = try await PostgresTestServer.makeStore()
        try await store.migrate()
        try await store.addChannel(Fixtures.channel("alpha", phoneNumberID: "111", token: "token-alpha-0001"))
        let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for index in 0..<60 {
                group.addTask {
                    let id = "batched-\(index)"
                    do {
                        _ = try await store.batchedWrite(channelID: "alpha") { connection in
                            if index == 30 { _ = try await connection.query("SELECT 1 / 0", logger: store.queryLogger).collect() }
                            return try await store.addMessage(Fixtures.message(id), queueing: [], at: Date(), on: connection).number
                        }
                        return (id, true)
                    } catch {
                        return (id, false)
                    }
                }
            }
            return try await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter { !$0.value }.map(\.key) == ["batched-30"])
        var query = HistoryQuery()
        query.limit = nil
        let history = try await store.history(channelID: "alpha", query: query)
        #expect(Set(history.map(\.message.id)) == Set((0..<60).filter { $0 != 30 }.map { "batched-\($0)" }))
        #expect(history.map(\.messageNumber) == Array(1...59), "numbered in order, without gaps")
    }
}

extension PostgresBatchWriterTests {
    @Test(
        "the store's service (pool and writer) finishes at graceful shutdown, its writes done",
        .enabled(if: PostgresTestServer.adminURL != nil), .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        let store = PostgresStore(configuration: try await PostgresTestServer.makeDatabase())
        try await store.migrate()
        let services = ServiceGroup(services: [try #require(store.service)], logger: Logger(label: "test"))
        try await withThrowingTaskGroup { group in
            group.addTask { try await services.run() }
            #expect(try await store.recordMessage(Fixtures.message("before-shutdown"), events: []) == 1)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        #expect(try await store.allMessages(channelID: "alpha").map(\.id) == ["before-shutdown"])
    }
}

/// What the test's writer saw, shared with its tasks.
private final class Recorder: Sendable {
    let batches = Mutex([[String]]())
    let firstMayFinish = Atomic(false)
    let finished = Atomic(0)
}
