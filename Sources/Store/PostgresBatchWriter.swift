import PostgresNIO
import Synchronization

/// The writes that number messages (a sent message's record, a Meta delivery's commit), run by one writer in shared
/// transactions: the writes queued while a transaction runs go together in the next one.
///
/// Each write locks its channel's `message_counters` row until its transaction ends, so writes of one channel cannot
/// overlap anyway; one by one, each paid its own round trips and commit while the next waited for the lock (and a
/// crowd of waiters woke at each release). Together they take the lock once per transaction. A caller resumes only
/// after the transaction holding its write has committed. If a shared transaction fails, each of its writes is run
/// again alone, so one bad write fails only itself. Writes are ordered by channel within a transaction, so two
/// instances' transactions take their channels' locks in the same order and never deadlock on them.
final class PostgresBatchWriter: Sendable {
    /// A queued write: `run` does it on the transaction's connection (and keeps its result), `finish` resumes its
    /// caller with the outcome.
    struct Job: Sendable {
        let channelID: String
        let run: @Sendable (PostgresConnection) async throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// Thrown to a caller whose write found no writer running; it writes on its own.
    struct NotRunning: Error {}

    /// The most writes in one transaction.
    static let batchLimit = 128

    private let state = Mutex(State())

    /// Queues `job` for the writer; `false` when no writer runs.
    func submit(_ job: Job) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard state.running else { return (false, nil) }
            state.queue.append(job)
            defer { state.idle = nil }
            return (true, state.idle)
        }
        wake?.resume()
        return accepted
    }

    /// The writer: until cancelled, takes the queued writes and runs them with `commit` (a transaction on one
    /// connection). Writes still queued when it stops are run before it returns.
    func run(commit: @escaping @Sendable ([Job]) async -> Void) async {
        state.withLock { $0.running = true }
        while !Task.isCancelled {
            await waitForWork()
            let jobs = state.withLock { state in
                let taken = Array(state.queue.prefix(Self.batchLimit))
                state.queue.removeFirst(taken.count)
                return taken
            }
            if !jobs.isEmpty { await commit(Self.ordered(jobs)) }
        }
        let leftover = state.withLock { state in
            state.running = false
            defer { state.queue.removeAll() }
            return state.queue
        }
        if !leftover.isEmpty { await commit(Self.ordered(leftover)) }
    }

    /// Ordered by channel (stable: one channel's writes keep their order), so every transaction locks counters in one
    /// order.
    static func ordered(_ jobs: [Job]) -> [Job] {
        jobs.enumerated().sorted { ($0.element.channelID, $0.offset) < ($1.element.channelID, $1.offset) }.map(\.element)
    }

    private func waitForWork() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    // Checked under the lock that onCancel takes: a cancellation is never missed.
                    guard state.queue.isEmpty, !Task.isCancelled else { return true }
                    state.idle = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.idle = nil }
                return state.idle
            }?.resume()
        }
    }

    private struct State: Sendable {
        var queue: [Job] = []
        var running = false
        /// The writer, waiting for a write.
        var idle: CheckedContinuation<Void, Never>?
    }
}
