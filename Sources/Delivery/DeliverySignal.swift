import Synchronization

/// Wakes the dispatcher when events were queued, so that delivery does not wait for the next poll.
public final class DeliverySignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Something was queued (or the dispatcher should look again).
    public func notify() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after a ``notify()`` (also one that came before this call) or after `timeout`.
    public func wait(timeout: Duration) async {
        let alreadyNotified = state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
        if alreadyNotified { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.notify()
            }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
        // A notify() from the timer that found no waiter must not wake the next wait early.
        state.withLock { $0.pending = false }
    }
}
