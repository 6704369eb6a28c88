import GRDB
import Synchronization

/// Runs SQLite writes together: while one transaction runs on the writer, the writes that arrive wait, and the next
/// transaction takes all of them, each in a savepoint of its own (a write that fails rolls back alone). Each caller
/// resumes only once the transaction holding its write has committed, so nothing is acknowledged before it is
/// durable; under load, many requests share one commit and one trip to the writer's queue.
///
/// No timer and no task of its own: the write that finds the writer idle starts a transaction, and the writer's
/// queue starts the next one when it finishes.
final class GroupCommit: Sendable {
    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body` in the next shared transaction and returns its result once that transaction has committed.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        let result = value!
                        return { commitError in
                            if let commitError { continuation.resume(throwing: commitError) } else { continuation.resume(returning: result) }
                        }
                    } catch {
                        return { _ in continuation.resume(throwing: error) }
                    }
                },
                abandon: { error in continuation.resume(throwing: error) })
            let startsTransaction = state.withLock { state in
                state.pending.append(job)
                defer { state.writing = true }
                return !state.writing
            }
            if startsTransaction { commitPending() }
        }
    }

    /// How many writes wait for the next transaction (for tests).
    var waitingWrites: Int { state.withLock { $0.pending.count } }

    /// Commits every pending write in one transaction, then goes on with those that arrived meanwhile.
    private func commitPending() {
        let jobs = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            if state.pending.isEmpty { state.writing = false }
            return state.pending
        }
        guard !jobs.isEmpty else { return }
        writer.asyncWriteWithoutTransaction { db in
            var finishes: [@Sendable ((any Error)?) -> Void] = []
            finishes.reserveCapacity(jobs.count)
            do {
                try db.inTransaction(.immediate) {
                    for job in jobs { finishes.append(job.perform(db)) }
                    return .commit
                }
                for finish in finishes { finish(nil) }
            } catch {
                // The transaction did not begin (no write ran) or did not commit (every write is undone).
                for finish in finishes { finish(error) }
                for job in jobs.dropFirst(finishes.count) { job.abandon(error) }
            }
            self.commitPending()
        }
    }

    /// One caller's write: `perform` runs it in the shared transaction and returns what resumes the caller once the
    /// transaction's outcome (its commit error, or `nil`) is known; `abandon` resumes it when it never ran.
    private struct Job: Sendable {
        let perform: @Sendable (Database) -> @Sendable ((any Error)?) -> Void
        let abandon: @Sendable (any Error) -> Void
    }

    private struct State: Sendable {
        var pending: [Job] = []
        /// A transaction is running or about to: new writes only join the queue.
        var writing = false
    }
}
